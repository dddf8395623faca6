"""What Terraform's ``file()`` and ``templatefile()`` may read: regular files inside the set's tree.

A template is input, not a program: a path that leaves the tree (absolute paths elsewhere, ``..``,
a symlink pointing out), names something that is not a regular file (``/proc``, devices, FIFOs,
directories) or is larger than the cap is not read; the call's value is Unknown with the reason, so
nothing from the runner (its environment, its credentials) can reach a report, and nothing endless
can hang the run.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Final

from sesguard.model import Unknown

MAX_FILE_BYTES: Final = 1_000_000


def read_inside(root: Path, directory: Path, path: str, limit: int = MAX_FILE_BYTES) -> str | Unknown:
    """The UTF-8 text of ``path`` (relative paths from ``directory``) when it is a regular file of at
    most ``limit`` bytes inside ``root`` once symlinks are resolved; else Unknown naming the reason."""
    shown = f"file {path!r}"
    if "\x00" in path:
        return Unknown(f"{shown} is not a valid path")
    target = Path(path)
    if not target.is_absolute():
        target = directory / target
    try:
        real = Path(os.path.realpath(target, strict=True))
        tree = Path(os.path.realpath(root))
    except (OSError, RuntimeError):
        return Unknown(f"{shown} does not exist or cannot be resolved")
    if not real.is_relative_to(tree):
        return Unknown(f"{shown} is outside the template set's folder; only files inside it are read")
    try:
        with open(real, "rb", opener=_no_blocking_opener) as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                return Unknown(f"{shown} is not a regular file; only regular files are read")
            if info.st_size > limit:
                return Unknown(f"{shown} is larger than {limit} bytes; it is not read")
            data = handle.read(limit + 1)
    except OSError as err:
        return Unknown(f"{shown} cannot be read ({err.strerror or type(err).__name__})")
    if len(data) > limit:
        return Unknown(f"{shown} is larger than {limit} bytes; it is not read")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return Unknown(f"{shown} is not UTF-8 text")


def _no_blocking_opener(path: str, flags: int) -> int:
    """Open without waiting for a writer (a FIFO), so the type check runs before any read."""
    return os.open(path, flags | os.O_NONBLOCK)
