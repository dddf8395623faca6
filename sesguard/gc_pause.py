"""Pausing Python's cyclic garbage collector while a run builds objects that live to its end."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic collection inside (reference counting still frees what is dropped).

    Reading templates and evaluating policies create millions of containers (parse trees, resources,
    rows) that stay alive to the end of the run; the collector would rescan all of them over and over.
    The collector's previous state is restored on the way out, exceptions included; nested uses keep
    it paused until the outermost ends.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def freeze(ours: bool = False) -> bool:
    """Move every object tracked now out of later collections (:func:`gc.freeze`); whether it did.

    For what a pytest run holds to its end (cfn-lint's modules, the inventory, the rows' items): the
    collector no longer walks them in each full collection, pytest's two at the end of the run
    included. Only when nothing is frozen yet, or what is frozen is ``ours`` (frozen by this run
    before): what another program froze is theirs to manage. Undone by :func:`unfreeze`.
    """
    if gc.get_freeze_count() and not ours:
        return False
    gc.freeze()
    return True


def unfreeze() -> None:
    """Give the frozen objects back to the collector."""
    gc.unfreeze()
