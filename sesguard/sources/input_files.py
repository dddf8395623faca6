"""Which input files are read, and how: regular files only, inside the folder given, size-capped.

A template set is input from whoever wrote the repository. A path that is not a regular file (a FIFO,
a pipe, ``/dev/stdin``, a device, a socket) would block or never end; a symlink out of the folder would
read the runner's files (``/proc/self/environ``) into reports; a huge file would take the run's time
and memory. None of them is read: each becomes a problem naming the file, and so does a folder that
cannot be listed, so nothing unread ever looks clean. Files are opened without blocking and checked
again on the open descriptor, so a file swapped for a FIFO after the walk cannot hang the run either.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

DEFAULT_MAX_TEMPLATE_BYTES: Final = 5_000_000
"""The default ``--max-template-bytes``: five times the largest template CloudFormation accepts (1 MB
from S3), far above what real templates (CDK output included) reach."""


def kind_problem(path: Path) -> str | None:
    """Why ``path`` (symlinks followed) is neither a regular file nor a folder, else None."""
    try:
        mode = os.stat(path).st_mode
    except OSError as err:
        return f"cannot be read ({err.strerror or type(err).__name__})"
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    if stat.S_ISFIFO(mode):
        what = "a FIFO or pipe"
    elif stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        what = "a device"
    elif stat.S_ISSOCK(mode):
        what = "a socket"
    else:
        what = "not a regular file"
    return f"is {what}, not a regular file; it is not read (save it to a file and pass that)"


def size_problem(size: int, limit: int | None) -> str | None:
    """Why a file of ``size`` bytes is not read under ``limit``, else None."""
    if limit is None or size <= limit:
        return None
    return f"is {size} bytes, over the template size limit of {limit} bytes (--max-template-bytes); it is not read"


def file_problem(path: Path, root: Path | None, limit: int | None) -> str | None:
    """Why the file ``path`` (found under the folder ``root``, or given itself) is not read, else None."""
    kind = kind_problem(path)
    if kind is not None:
        return kind
    info = os.stat(path)
    if stat.S_ISDIR(info.st_mode):
        return "is a folder, not a file"
    outside = root is not None and not Path(os.path.realpath(path)).is_relative_to(os.path.realpath(root))
    if outside and path.is_symlink():
        return f"is a symlink to a file outside {root}; it is not read"
    if not os.access(path, os.R_OK):
        return "cannot be read (permission denied)"
    return size_problem(info.st_size, limit)


@dataclass
class Found:
    """The files to read under a folder, and what is not read: (path, reason)."""

    files: list[Path] = field(default_factory=list)
    problems: list[tuple[Path, str]] = field(default_factory=list)


def walk_inputs(
    root: Path,
    wanted: Callable[[str], bool],
    skip_dir: Callable[[str], bool],
    limit: int | None,
) -> Found:
    """The files under ``root`` whose name is ``wanted``, sorted, leaving out folders ``skip_dir``;
    folders that cannot be listed and files that must not be read are problems, not silence."""
    found = Found()

    def unreadable(err: OSError) -> None:
        where = Path(err.filename) if err.filename else root
        reason = err.strerror or type(err).__name__
        found.problems.append((where, f"folder cannot be read ({reason}); its templates are not checked"))

    for current, dirs, files in os.walk(root, onerror=unreadable):
        dirs[:] = sorted(d for d in dirs if not skip_dir(d))
        directory = Path(current)
        for name in sorted(files):
            if not wanted(name):
                continue
            path = directory / name
            problem = file_problem(path, root, limit)
            if problem is None:
                found.files.append(path)
            else:
                found.problems.append((path, problem))
    return found


def read_regular(path: Path, limit: int | None = None, head: int | None = None) -> bytes:
    """The bytes of a regular file (at most ``head`` of them when given); raises OSError when it is not
    a regular file or is over ``limit`` bytes. Never blocks: opened with O_NONBLOCK, checked by fstat."""
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    with open(descriptor, "rb") as handle:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise OSError(f"{path} is not a regular file; it is not read")
        problem = size_problem(info.st_size, limit)
        if problem is not None:
            raise OSError(f"{path} {problem}")
        wanted = head if head is not None else (limit + 1 if limit is not None else -1)
        data = handle.read(wanted)
    if head is None and limit is not None and len(data) > limit:
        raise OSError(f"{path} {size_problem(len(data), limit)}")
    return data
