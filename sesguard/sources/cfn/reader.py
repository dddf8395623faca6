"""Finding template files and decoding them with cfn-lint's decoder (short-form tags, line marks)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from cfnlint.decode import decode

from sesguard.sources.sniff import TEMPLATE_SUFFIXES, may_be_cloudformation_or_plan

SKIPPED_DIRS: Final = frozenset({".git", "node_modules", ".terraform", "__pycache__", ".venv", "cdk.out.tmp"})


@dataclass
class Decoded:
    """One decoded file: the template (None when it could not be parsed) or the parse problem."""

    path: Path
    template: Mapping[str, Any] | None
    problem: str | None = None
    line: int | None = None


def template_files(path: Path) -> Iterator[Path]:
    """The candidate template files under ``path`` (itself when it is a file), sorted.

    In a folder, files whose content cannot be a template (no ``Resources`` or
    ``AWSTemplateFormatVersion`` anywhere: ``package.json``, ``docker-compose.yml``...) are passed over.
    """
    if path.is_file():
        yield path
        return
    for candidate in sorted(path.rglob("*")):
        hidden = SKIPPED_DIRS.intersection(candidate.relative_to(path).parts[:-1])
        if (
            candidate.is_file()
            and candidate.suffix.lower() in TEMPLATE_SUFFIXES
            and not hidden
            and may_be_cloudformation_or_plan(candidate)
        ):
            yield candidate


def looks_like_template(data: Any) -> bool:
    """A CloudFormation / SAM / CDK template: a mapping with ``Resources`` (or a format version)."""
    return isinstance(data, Mapping) and ("Resources" in data or "AWSTemplateFormatVersion" in data)


def decode_file(path: Path) -> Decoded:
    """Decode one file; parse problems come back as data with their 1-based line."""
    try:
        template, matches = decode(str(path))
    except Exception as exc:  # the decoder itself failed: report it, never crash the run
        return Decoded(path, None, f"cannot be decoded: {exc}")
    if matches:
        first = matches[0]
        message = str(getattr(first, "message", first))
        line = getattr(first, "linenumber", None)
        return Decoded(path, None, message, line if isinstance(line, int) and line > 0 else None)
    if template is None:
        return Decoded(path, None, "empty or unreadable template")
    return Decoded(path, template)


def line_of(node: Any) -> int | None:
    """The 1-based line of a decoded node (cfn-lint marks are 0-based)."""
    mark = getattr(node, "start_mark", None)
    line = getattr(mark, "line", None)
    return line + 1 if isinstance(line, int) else None


def keyed_lines(mapping: Mapping[str, Any]) -> dict[str, int | None]:
    """The line of each key of a decoded mapping (the line users see the logical ID on)."""
    return {str(key): line_of(key) or line_of(value) for key, value in mapping.items()}
