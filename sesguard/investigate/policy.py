"""The least-privilege IAM policy of ``sesguard investigate`` (``sesguard/iam-investigate-policy.json``).

Separate from the scan's policy: five SES read actions (``GetAccount`` for the VDM state,
``ListEmailIdentities`` and ``ListConfigurationSets`` for the dimension values VDM needs one query
each for, ``BatchGetMetricData``, ``ListSuppressedDestinations``; none of them accepts a resource
narrower than ``*``) and, for an S3 archive, ``s3:ListBucket`` limited by ``s3:prefix`` plus
``s3:GetObject`` on the prefix only. ``sts:GetCallerIdentity`` needs no permission.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from .archive import split_s3

FILENAME = "iam-investigate-policy.json"


def template() -> dict[str, Any]:
    """The policy as shipped, with ``${Bucket}`` and ``${Prefix}`` placeholders."""
    text = resources.files("sesguard").joinpath(FILENAME).read_text(encoding="utf-8")
    policy: dict[str, Any] = json.loads(text)
    return policy


def for_archive(events: str | None) -> dict[str, Any]:
    """The policy for one run: the S3 statements name the archive's bucket and prefix, or are dropped."""
    policy = template()
    if events is None or not events.startswith("s3://"):
        policy["Statement"] = [
            s for s in policy["Statement"] if not str(s.get("Sid", "")).startswith("EventArchive")
        ]
        return policy
    bucket, prefix = split_s3(events)
    rendered: dict[str, Any] = _fill(policy, {"${Bucket}": bucket, "${Prefix}": prefix})
    return rendered


def _fill(value: Any, names: dict[str, str]) -> Any:
    if isinstance(value, str):
        for placeholder, text in names.items():
            value = value.replace(placeholder, text)
        return value
    if isinstance(value, list):
        return [_fill(v, names) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, names) for k, v in value.items()}
    return value


def actions(policy: dict[str, Any]) -> set[str]:
    """Every action the policy allows."""
    found: set[str] = set()
    for statement in policy["Statement"]:
        value = statement["Action"]
        found.update([value] if isinstance(value, str) else value)
    return found
