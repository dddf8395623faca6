"""The IAM permissions of a live scan: ``sesguard/iam-readonly-policy.json`` and why each is there.

Every action is a read (``Get*``, ``List*``, ``Describe*``) except three, which change no state in
the scanned account:

- ``iam:GenerateCredentialReport`` asks IAM to (re)build the account's credential report, a
  read-only summary of users' passwords and keys; it modifies no user, key or policy. It replaces a
  ``ListAccessKeys`` + ``GetAccessKeyLastUsed`` + ``GetLoginProfile`` round per user.
- ``sts:AssumeRole`` (multi-account scans only) obtains temporary credentials of the scan role in
  each account; it changes nothing in either account.
- ``sts:GetCallerIdentity`` (a ``Get``, and allowed to every principal regardless of policy) tells
  which account the credentials belong to.

Attach the first statement to the scanning principal (or to the ``sesguard-readonly`` role in each
account); the organization statement and the AssumeRole statement belong to the caller only, and
the role name in the AssumeRole resource is the one given as ``assume_role``.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any, Final

POLICY_FILE: Final = "iam-readonly-policy.json"

# Calls that are not Get*/List*/Describe* but are read-only in effect (see the module docstring).
READ_ONLY_EXCEPTIONS: Final = frozenset({"iam:GenerateCredentialReport", "sts:AssumeRole"})
READ_PREFIXES: Final = ("Get", "List", "Describe")


def policy_document() -> dict[str, Any]:
    """The shipped least-privilege policy."""
    text = resources.files("sesguard").joinpath(POLICY_FILE).read_text(encoding="utf-8")
    document: dict[str, Any] = json.loads(text)
    return document


def policy_actions() -> set[str]:
    """Every action the shipped policy allows."""
    found: set[str] = set()
    for statement in policy_document()["Statement"]:
        actions = statement["Action"]
        found.update([actions] if isinstance(actions, str) else actions)
    return found


def is_read_only(action: str) -> bool:
    """True for ``service:Get*/List*/Describe*`` and the justified exceptions."""
    operation = action.split(":", 1)[1]
    return operation.startswith(READ_PREFIXES) or action in READ_ONLY_EXCEPTIONS
