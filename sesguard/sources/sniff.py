"""Content sniffing: could this file be a template at all? Cheap, text-only, and fail-closed.

Used where files are found rather than named (folders, the pre-commit hook): a YAML/JSON file
that never mentions ``Resources`` or ``AWSTemplateFormatVersion`` (and is no Terraform plan), or a
``.tf`` module without a single AWS resource, data source or module call, cannot give a row and
is ignored quietly. Anything that *might* be a template (even one that does not parse) is kept,
so that a broken template is still reported, never skipped.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Final

from sesguard.sources.input_files import read_regular

TEMPLATE_SUFFIXES: Final = (".yaml", ".yml", ".json", ".template")
TERRAFORM_SUFFIX: Final = ".tf"
_PLAN_HEAD_BYTES: Final = 65536

# A top-level (or quoted JSON) Resources / AWSTemplateFormatVersion key.
_CFN_KEY: Final = re.compile(
    rb"""^\s*["']?(?:Resources|AWSTemplateFormatVersion)["']?\s*:|["'](?:Resources|AWSTemplateFormatVersion)["']\s*:""",
    re.MULTILINE,
)
_PLAN_KEYS: Final = (b'"planned_values"', b'"resource_changes"')
# resource "aws_..." / data "aws_..." blocks, and module calls (whose source may hold AWS resources).
_TF_AWS: Final = re.compile(rb"""^\s*(?:(?:resource|data)\s+"?aws_|module\s+"?[\w-])""", re.MULTILINE)


def _read(path: Path, head: int | None = None) -> bytes | None:
    try:
        return read_regular(path, head=head)  # a FIFO or device is never read (it would block)
    except OSError:
        return None


def looks_like_plan_head(path: Path) -> bool:
    """Whether the start of a JSON file looks like ``terraform show -json`` output (large plans are read
    by the Terraform reader, which holds them to no size limit)."""
    data = _read(path, head=_PLAN_HEAD_BYTES)
    return data is not None and data.lstrip().startswith(b"{") and b'"format_version"' in data


def may_be_cloudformation_or_plan(path: Path) -> bool:
    """A YAML/JSON/.template file that mentions a template key, or a Terraform plan's keys.

    Unreadable files are kept (the reader reports them).
    """
    data = _read(path)
    if data is None:
        return True
    if _CFN_KEY.search(data):
        return True
    return b'"format_version"' in data and any(key in data for key in _PLAN_KEYS)


def may_be_terraform(path: Path) -> bool:
    """A ``.tf`` file whose module (its folder) has an AWS resource, data source or module call."""
    module = [path, *sorted(p for p in path.parent.glob("*.tf") if p != path)]
    for candidate in module:
        data = _read(candidate)
        if data is None or _TF_AWS.search(data):
            return True
    return False


def may_be_template(path: Path) -> bool:
    """Whether ``path`` could give rows when read as a template (see the module docstring)."""
    suffix = path.suffix.lower()
    if suffix == TERRAFORM_SUFFIX:
        return may_be_terraform(path)
    if suffix in TEMPLATE_SUFFIXES:
        return may_be_cloudformation_or_plan(path)
    return False
