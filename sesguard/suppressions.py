"""Inline suppressions written in the templates themselves, each with a reason.

CloudFormation, in a resource's (or the template's) ``Metadata``::

    Metadata:
      sesguard:
        skip:
          - id: SES-CS-001
            reason: events go to the shared pipeline (TICKET-9)

Terraform, a comment inside the resource block (or at the top level of the file, for the file's
set-level rows)::

    # sesguard:skip=SES-CS-001:events go to the shared pipeline (TICKET-9)

A suppression names the policy and, by where it is written, the resource. It becomes a waiver of
that row without an expiry (``kind: inline``, origin ``file:line``): the row shows as waived with
the reason; a suppression whose row passes is *stale*, one that matches no row is *unused*, and one
without a reason suppresses nothing (*invalid*). Only files that mention ``sesguard`` are read again.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from sesguard.config import Waiver
from sesguard.engine import Finding
from sesguard.model import TEMPLATE_SET
from sesguard.sources import SOURCES

POLICY_ID: Final = re.compile(r"^SES-[A-Z]+-\d{3}$")
_TF_SKIP: Final = re.compile(r"(?:#|//)\s*sesguard:skip=(?P<id>[A-Za-z0-9-]+)(?::(?P<reason>.*))?$")
_TF_BLOCK: Final = re.compile(r'^\s*(?:resource|data)\s+"([^"]+)"\s+"([^"]+)"\s*\{')
_TF_MODULE: Final = re.compile(r'^\s*module\s+"([^"]+)"\s*\{')


@dataclass(frozen=True)
class Suppression:
    """One inline suppression: the policy, where it is written, and for which resource."""

    policy: str
    file: str
    line: int
    resource: str | None  # a logical ID / Terraform address; None: the file's set-level rows
    reason: str

    @property
    def origin(self) -> str:
        return f"{self.file}:{self.line} (inline)"


def _cfn_skips(entries: Any) -> Iterable[tuple[Any, Any]]:
    if isinstance(entries, Mapping):
        skip = entries.get("skip")
        if isinstance(skip, list):
            for entry in skip:
                if isinstance(entry, Mapping):
                    yield entry.get("id"), entry


def _line(node: Any, fallback: int) -> int:
    mark = getattr(node, "start_mark", None)
    return int(mark.line) + 1 if mark is not None else fallback


def cloudformation(path: Path, shown: str) -> list[Suppression]:
    """The suppressions in one CloudFormation template's ``Metadata`` (resource and template level)."""
    from sesguard.sources.cfn.reader import decode_file

    decoded = decode_file(path)
    template = decoded.template
    if not isinstance(template, Mapping):
        return []
    found: list[Suppression] = []
    owners: list[tuple[str | None, Any, Any]] = [(None, template.get("Metadata"), template)]
    resources = template.get("Resources")
    if isinstance(resources, Mapping):
        for logical_id, body in resources.items():
            if isinstance(body, Mapping):
                owners.append((str(logical_id), body.get("Metadata"), logical_id))
    for resource, metadata, anchor in owners:
        if not isinstance(metadata, Mapping):
            continue
        for policy, entry in _cfn_skips(metadata.get("sesguard")):
            reason = entry.get("reason") or entry.get("comment") or ""
            line = _line(policy, _line(entry, _line(anchor, 1)))
            found.append(Suppression(str(policy), shown, line, resource, str(reason).strip()))
    return found


def terraform(path: Path, shown: str) -> list[Suppression]:
    """The ``# sesguard:skip=ID:reason`` comments of one ``.tf`` file, with the block each is in."""
    found: list[Suppression] = []
    block: str | None = None
    depth = 0
    for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
        code = line.split("#", 1)[0].split("//", 1)[0]
        opened_here = False
        if depth == 0:
            header, module = _TF_BLOCK.match(code), _TF_MODULE.match(code)
            if header:
                prefix = "data." if code.lstrip().startswith("data") else ""
                block, opened_here = f"{prefix}{header.group(1)}.{header.group(2)}", True
            elif module:
                block, opened_here = f"module.{module.group(1)}", True
        skip = _TF_SKIP.search(line)
        if skip:
            inside = block if (depth > 0 or opened_here) else None
            reason = (skip.group("reason") or "").strip()
            found.append(Suppression(skip.group("id"), shown, number, inside, reason))
        depth = max(0, depth + code.count("{") - code.count("}"))
        if depth == 0:
            block = None
    return found


def in_files(files: Iterable[tuple[str, str]]) -> list[Suppression]:
    """The suppressions of the given (file, source) pairs; files not mentioning sesguard are skipped."""
    found: list[Suppression] = []
    for shown, source in sorted(set(files)):
        path = Path(shown)
        try:
            if not path.is_file() or b"sesguard" not in path.read_bytes():
                continue
        except OSError:
            continue
        if source in SOURCES:
            found += SOURCES[source].read_suppressions(path, shown)
    return found


def _matches(finding: Finding, suppression: Suppression) -> bool:
    loc = finding.resource.location
    if finding.policy_id != suppression.policy or loc.file != suppression.file:
        return False
    if suppression.resource is None:
        return finding.resource.type == TEMPLATE_SET
    rid = finding.resource.id
    return rid == suppression.resource or rid.startswith((f"{suppression.resource}[", f"{suppression.resource}."))


def as_waivers(suppressions: Sequence[Suppression], findings: Sequence[Finding]) -> list[Waiver]:
    """One waiver per suppressed row (or one that matches nothing, reported as unused)."""
    waivers: list[Waiver] = []
    for suppression in suppressions:
        rows = [f for f in findings if _matches(f, suppression)]
        keys = [f.key for f in rows] or [suppression.resource or Path(suppression.file).name]
        for key in keys:
            waivers.append(
                Waiver(suppression.policy, key, suppression.reason, None, suppression.origin, kind="inline")
            )
    return waivers
