"""Finding template files and decoding them with cfn-lint's decoder (short-form tags, line marks)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from sesguard.sources.input_files import Found, file_problem, read_regular, size_problem, walk_inputs
from sesguard.sources.sniff import TEMPLATE_SUFFIXES, looks_like_plan_head, may_be_cloudformation_or_plan

SKIPPED_DIRS: Final = frozenset({".git", "node_modules", ".terraform", "__pycache__", ".venv", "cdk.out.tmp"})


@dataclass
class Decoded:
    """One decoded file: the template (None when it could not be parsed) or the parse problem."""

    path: Path
    template: Mapping[str, Any] | None
    problem: str | None = None
    line: int | None = None


def template_files(path: Path, limit: int | None) -> Found:
    """The candidate template files under ``path`` (itself when it is a file), sorted, and those that
    are not read: not regular files, symlinks out of the folder, over ``limit`` bytes, in folders
    that cannot be listed.

    In a folder, files whose content cannot be a template (no ``Resources`` or
    ``AWSTemplateFormatVersion`` anywhere: ``package.json``, ``docker-compose.yml``...) are passed over,
    and so are Terraform plans over the limit (the Terraform reader reads those).
    """
    if not path.is_dir():
        problem = file_problem(path, None, limit)
        return Found(problems=[(path, problem)]) if problem else Found(files=[path])
    walked = walk_inputs(
        path, lambda name: Path(name).suffix.lower() in TEMPLATE_SUFFIXES, SKIPPED_DIRS.__contains__, None
    )
    found = Found(problems=walked.problems)
    for candidate in walked.files:
        too_large = size_problem(candidate.stat().st_size, limit)
        if too_large is None:
            if may_be_cloudformation_or_plan(candidate):
                found.files.append(candidate)
        elif not looks_like_plan_head(candidate):
            found.problems.append((candidate, too_large))
    found.problems.sort()
    return found


def looks_like_template(data: Any) -> bool:
    """A CloudFormation / SAM / CDK template: a mapping with ``Resources`` (or a format version)."""
    return isinstance(data, Mapping) and ("Resources" in data or "AWSTemplateFormatVersion" in data)


def decode_file(path: Path, limit: int | None = None) -> Decoded:
    """Decode one file (a regular file of at most ``limit`` bytes, read once); parse problems come back
    as data with their 1-based line.

    JSON is decoded by :mod:`.json_decode` (cfn-lint's nodes and marks in linear time); YAML, and text
    that starts like JSON but is not (a YAML flow mapping), by cfn-lint's decoder, with its messages.
    """
    try:
        text = read_regular(path, limit).decode("utf-8-sig")
    except OSError as exc:
        return Decoded(path, None, f"cannot be read: {exc.strerror or exc}")
    except UnicodeDecodeError:
        return Decoded(path, None, "is not UTF-8 text")
    # cfn-lint loads its whole linter (sympy, networkx: most of a second) on import: only when a
    # template is decoded, so a Terraform-only run never pays for it.
    from cfnlint.decode import decode_str

    from sesguard.sources.cfn import json_decode

    if text.lstrip().startswith("{"):
        try:
            return Decoded(path, json_decode.loads(text))
        except json_decode.JsonTemplateError as exc:
            if exc.conclusive:
                return Decoded(path, None, exc.message, exc.line)
    try:
        template, matches = decode_str(text)
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
