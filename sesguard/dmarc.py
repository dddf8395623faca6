"""DMARC records as receivers read them (RFC 7489), the same for live DNS answers and template records.

A domain's policy is the ``p=`` of the single ``v=DMARC1`` TXT record at ``_dmarc.<domain>``; when
there is none, the organizational domain's record applies (its ``sp=`` when present, else its
``p=``). The organizational domain is approximated by trying each parent down to two labels; the
public-suffix list is not consulted. More than one DMARC record at a name counts as none (6.6.3).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Final

from sesguard.model import Unknown, is_unknown

Tags = dict[str, str]
_QUOTED: Final = re.compile(r'"((?:[^"\\]|\\.)*)"')


def dmarc_tags(records: list[str]) -> Tags | None:
    """The tags of the single ``v=DMARC1`` record among ``records``, or None (none, or several)."""
    found = [r for r in records if r.strip().upper().replace(" ", "").startswith("V=DMARC1")]
    if len(found) != 1:
        return None
    tags: Tags = {}
    for part in found[0].split(";"):
        key, sep, value = part.partition("=")
        if sep:
            tags[key.strip().lower()] = value.strip()
    return tags


def record_text(value: str) -> str:
    """One TXT record value as DNS serves it: quoted character-strings (``"v=DMARC1; " "p=none"``)
    joined, Terraform's ``\\"\\"`` splits removed."""
    text = value.strip()
    if text.startswith('"'):
        parts = _QUOTED.findall(text)
        if parts:
            return "".join(parts)
    return text.replace('""', "")


def template_tags(values: Any, where: str) -> Tags | Unknown | None:
    """The DMARC tags of a template's TXT record values (a list of strings; Unknown when the value, or a
    value that may be the DMARC record, cannot be resolved)."""
    if is_unknown(values):
        return Unknown(f"the TXT record {where} cannot be resolved ({values.reason})")
    items = values if isinstance(values, list) else [values]
    known = [record_text(v) for v in items if isinstance(v, str)]
    tags = dmarc_tags(known)
    hidden = next((v for v in items if isinstance(v, Unknown)), None)
    if hidden is not None and (tags is None or len(items) > 1):
        return Unknown(f"a value of the TXT record {where} cannot be resolved ({hidden.reason})")
    return tags


def policy_of(tags: Tags, organizational: bool) -> str | None:
    """``p=`` (or, for the organizational domain's record, ``sp=`` when present), lower-cased."""
    value = (tags.get("sp") if organizational else None) or tags.get("p", "")
    return value.lower() or None


def effective_policy(domain: str, tags_at: Callable[[str], Tags | Unknown | None]) -> str | Unknown | None:
    """The DMARC policy that applies to ``domain``: its own record, else its parents' (organizational
    domain). ``tags_at(name)`` answers for ``_dmarc.<name>``: tags, None (no DMARC record), Unknown."""
    labels = domain.strip(".").lower().split(".")
    for start in range(max(len(labels) - 1, 1)):
        tags = tags_at(".".join(labels[start:]))
        if isinstance(tags, Unknown):
            return tags
        if tags is not None:
            return policy_of(tags, organizational=start > 0)
    return None
