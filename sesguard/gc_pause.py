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
