"""Atomic file writes: a temporary file in the same folder, renamed into place."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

_COMPACT = json.JSONEncoder(default=str).encode  # no indent: the C encoder (the indented one is pure Python)


def write_text_atomic(text: str | Iterable[str], path: Path) -> Path:
    """Write ``text`` (or its pieces) to ``path`` so readers see the old file or the new one, never half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.writelines((text,) if isinstance(text, str) else text)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; reports are as readable as any new file
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_json_atomic(document: Any, path: Path, indent: int | None = 1) -> Path:
    """Write a JSON document atomically (non-JSON values as strings)."""
    return write_text_atomic(json.dumps(document, indent=indent, default=str) + "\n", path)


def write_json_rows_atomic(document: Mapping[str, Any], path: Path) -> Path:
    """Write a JSON object atomically with each element of its list members on a line of its own.

    A report of tens of thousands of rows is written in a fraction of the time ``indent`` takes (each
    row is encoded by the C encoder) without holding the whole text in memory, and stays readable and
    diffable row by row; the other members are indented as usual.
    """
    return write_text_atomic(json_rows(document), path)


def json_rows(document: Mapping[str, Any]) -> Iterator[str]:
    """The pieces of ``document``'s JSON text: members indented by one, list elements one per line."""
    yield "{"
    for index, (key, value) in enumerate(document.items()):
        yield ("\n " if index == 0 else ",\n ") + _COMPACT(key) + ": "
        if isinstance(value, list) and value:
            yield "[\n  " + _COMPACT(value[0])
            for item in value[1:]:
                yield ",\n  " + _COMPACT(item)
            yield "\n ]"
        else:
            yield json.dumps(value, indent=1, default=str).replace("\n", "\n ")
    yield "\n}\n"
