"""Reading ``findings.json``: the JSON module and the format's vocabulary, nothing heavier (reports and
``sesguard report`` read findings without loading the engine, the policies, jsonschema or yaml)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sesguard.findings.format import FORMAT, VERSION

Doc = dict[str, Any]
"""A findings document as read (rows are plain mappings: the file may come from another version)."""


def check(doc: Mapping[str, Any]) -> None:
    """Raise ``ValueError`` unless ``doc`` is a findings document this code understands."""
    if doc.get("format") != FORMAT or doc.get("format_version") != VERSION:
        raise ValueError(
            f"not a {FORMAT} version {VERSION} document "
            f"(format={doc.get('format')!r}, format_version={doc.get('format_version')!r})"
        )


def load(path: Path) -> Doc:
    """Read and check a ``findings.json``."""
    doc: Doc = json.loads(path.read_text(encoding="utf-8"))
    check(doc)
    return doc
