"""The CloudFormation source: plain, SAM and CDK-synthesized templates (YAML or JSON)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from sesguard.model import ACCOUNT, TEMPLATE_SET, Inventory, Location, Resource, SetRef, SourceError, Unknown
from sesguard.secrets import unless_unread
from sesguard.sources.cfn.branches import concatenated, normalize_branchwise, set_records
from sesguard.sources.cfn.exposure import literal_credentials, secret_exposures
from sesguard.sources.cfn.links import LinkVariants, attach_across_files
from sesguard.sources.cfn.nested import nested_instances
from sesguard.sources.cfn.normalize import SOURCE, TemplateFacts, any_true
from sesguard.sources.cfn.reader import decode_file, looks_like_template, template_files
from sesguard.sources.input_files import DEFAULT_MAX_TEMPLATE_BYTES

__all__ = ["read_cloudformation", "read_template", "set_resources"]


def set_resources(
    set_name: str,
    location: Location,
    totals: TemplateFacts,
    exposures: list[dict[str, object]] | Unknown,
    credentials: list[dict[str, object]] | Unknown,
    files_read: int,
) -> list[Resource]:
    """The set-level rows: the account settings (when the set defines SES resources or alarms on SES
    metrics: a monitoring-only stack is judged on the alarm policies) and the template set."""
    found = []
    if totals.ses_resource_count or totals.ses_alarm_count:
        found.append(
            Resource(
                type=ACCOUNT,
                id=set_name,
                location=location,
                set_ref=SetRef(SOURCE, set_name),
                native_type="template set",
                props={
                    "suppressed_reasons": None,
                    "vdm_enabled": totals.vdm_enabled,
                    "alarms": totals.alarms,
                    "ses_resource_count": totals.ses_resource_count,
                },
            )
        )
    if files_read:
        found.append(
            Resource(
                type=TEMPLATE_SET,
                id=set_name,
                location=location,
                set_ref=SetRef(SOURCE, set_name),
                native_type="template set",
                props={
                    "secret_exposures": exposures,
                    "literal_credentials": credentials,
                    "files": files_read,
                },
            )
        )
    return found


def read_template(template: Mapping[str, Any], file: str, set_name: str) -> Inventory:
    """One already-decoded template as its own set (used by the cfn-lint rules)."""
    facts = normalize_branchwise(template, file, set_name)
    inventory = Inventory(resources=list(facts.resources), sets={set_name: SetRef(SOURCE, set_name)})
    inventory.resources.extend(
        set_resources(
            set_name,
            Location(file=file),
            facts,
            secret_exposures(template, file),
            literal_credentials(template, file),
            1,
        )
    )
    return inventory


def read_cloudformation(
    path: Path, set_name: str, explicit: bool | None = None, max_bytes: int | None = DEFAULT_MAX_TEMPLATE_BYTES
) -> Inventory:
    """Read every template under ``path`` as one template set.

    Files that are not templates are skipped inside a directory and reported when named directly.
    A file that cannot be parsed, or is not read (see :mod:`sesguard.sources.input_files`), becomes a
    SourceError naming it; the others are read.
    """
    explicit = path.is_file() if explicit is None else explicit
    inventory = Inventory(sets={set_name: SetRef(SOURCE, set_name)})
    totals = TemplateFacts()
    exposures: list[dict[str, object]] = []
    credentials: list[dict[str, object]] = []
    files_read = 0
    links: list[tuple[str, LinkVariants]] = []  # IAM links that may name principals of other files
    unnamed: dict[tuple[str, str], Unknown] = {}  # (file, id) of principals whose name is unresolved
    if not path.exists():
        inventory.errors.append(
            SourceError(f"{path}: no such file or directory", SetRef(SOURCE, set_name), Location(file=str(path)))
        )
        return inventory
    readable: list[tuple[Path, str, Mapping[str, Any]]] = []
    found = template_files(path, max_bytes)
    for file, problem in found.problems:
        inventory.errors.append(
            SourceError(f"{file}: {problem}", SetRef(SOURCE, set_name), Location(file=str(file)), code="not-read")
        )
    for file in found.files:
        shown = str(file)
        decoded = decode_file(file, max_bytes)
        if decoded.template is None:
            # Fail closed: a file we cannot parse might be a template, so it is reported, never skipped.
            where = f"{shown}:{decoded.line}" if decoded.line else shown
            inventory.errors.append(
                SourceError(
                    f"{where}: template cannot be parsed: {decoded.problem}",
                    SetRef(SOURCE, set_name),
                    Location(file=shown, line=decoded.line),
                )
            )
            continue
        if not looks_like_template(decoded.template):
            if explicit:
                inventory.errors.append(
                    SourceError(
                        f"{shown}: not a CloudFormation template (no Resources section)",
                        SetRef(SOURCE, set_name),
                        Location(file=shown, line=1),
                    )
                )
            continue
        readable.append((file, shown, decoded.template))
    try:
        nested = nested_instances({f.resolve(): t for f, _, t in readable}, {f.resolve(): s for f, s, _ in readable})
    except Exception as exc:  # never crash the run: children are then read on their own
        nested = {}
        inventory.errors.append(
            SourceError(f"{path}: internal error following nested stacks: {exc!r}", SetRef(SOURCE, set_name),
                        Location(file=str(path)))
        )
    try:
        records = set_records([(s, t) for _, s, t in readable], set_name)
    except Exception as exc:  # never crash the run: each template then sees its own records only
        records = {}
        inventory.errors.append(
            SourceError(f"{path}: internal error reading DNS records: {exc!r}", SetRef(SOURCE, set_name),
                        Location(file=str(path)))
        )
    for file, shown, template in readable:
        files_read += 1
        instances = nested.get(file.resolve())
        deployments = [(i.stack_id, i.template) for i in instances] if instances else [(None, template)]
        for stack_id, variant in deployments:
            try:
                facts = normalize_branchwise(variant, shown, set_name, records.get(shown, ({}, [])))
            except Exception as exc:  # never crash the run; never let the file look clean either
                inventory.errors.append(
                    SourceError(
                        f"{shown}: internal error reading template: {exc!r}",
                        SetRef(SOURCE, set_name),
                        Location(file=shown),
                    )
                )
                inventory.meta["internal_errors"] = int(inventory.meta.get("internal_errors", 0)) + 1
                continue
            prefix = f"{stack_id}." if stack_id is not None and len(deployments) > 1 else ""
            if prefix:  # one child deployed by several stacks
                facts.resources = [replace(r, id=f"{prefix}{r.id}") for r in facts.resources]
            inventory.resources.extend(facts.resources)
            links.append((shown, facts.links))
            unnamed.update(((shown, f"{prefix}{lid}"), why) for lid, why in facts.unnamed.items())
            totals.alarms = concatenated(totals.alarms, facts.alarms, "alarms")
            # Three-valued: one template enabling VDM is enough; else one that may enable it is Unknown.
            totals.vdm_enabled = any_true([totals.vdm_enabled, facts.vdm_enabled])
            totals.ses_resource_count += facts.ses_resource_count
            totals.ses_alarm_count += facts.ses_alarm_count
        exposures.extend(secret_exposures(template, shown))
        credentials.extend(literal_credentials(template, shown))
    try:
        attach_across_files(inventory.resources, links, unnamed)
    except Exception as exc:  # never crash the run; never let a principal look clean either
        inventory.errors.append(
            SourceError(f"{path}: internal error linking IAM policies across files: {exc!r}", SetRef(SOURCE, set_name),
                        Location(file=str(path)))
        )
    unread = [error.message for error in inventory.errors]  # files not read, or not wholly
    inventory.resources.extend(
        set_resources(
            set_name,
            Location(file=str(path)),
            totals,
            unless_unread(exposures, unread),
            unless_unread(credentials, unread),
            files_read,
        )
    )
    inventory.meta.setdefault("templates_read", 0)
    inventory.meta["templates_read"] = int(inventory.meta["templates_read"]) + files_read
    return inventory
