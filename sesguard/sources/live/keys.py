"""Access keys and console passwords of IAM users: the credential report, else per-user calls.

The credential report costs two or three calls for the whole account (``GenerateCredentialReport``
polled until ``COMPLETE``, within a bound, then ``GetCredentialReport``). It names no key IDs, so
its keys are named by their report slot (``access_key_1``, ``access_key_2``). AWS regenerates the
report at most every four hours: its ``GeneratedTime`` is kept in ``meta``, and users missing from
it (created since) are read with per-user calls. When the report cannot be had (denied, not
offered, not ready in time), every user is read with per-user calls: ``ListAccessKeys``,
``GetAccessKeyLastUsed`` per key and ``GetLoginProfile``; their key IDs are masked
(``sesguard.secrets.mask``). A failed per-user call makes that property ``Unknown``.
"""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from sesguard.secrets import mask
from sesguard.sources.live.errors import AWS_ERRORS, Collected, error_code
from sesguard.sources.live.paging import pages
from sesguard.sources.live.session import Client
from sesguard.sources.live.values import iso

ROOT_ROW: Final = "<root_account>"
_FIRST_POLL: Final = 0.2
_MAX_POLL: Final = 2.0


class ReportUnavailable(Exception):
    """The credential report could not be had; ``code`` says why."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Credentials:
    """What one user has: access keys (``{id, status, created_at, last_used_at}``) and a console password."""

    access_keys: Any  # list[dict[str, Any]] or Unknown
    console_password: Any  # bool or Unknown


def credential_report(
    iam: Client, wait_seconds: float, sleep: Callable[[float], None] = time.sleep
) -> tuple[dict[str, dict[str, str]], str | None]:
    """The credential report rows by user name, and when it was generated; raises ReportUnavailable."""
    deadline = time.monotonic() + wait_seconds
    delay = _FIRST_POLL
    while True:
        try:
            state = iam.generate_credential_report().get("State")
            if state == "COMPLETE":
                response = iam.get_credential_report()
                break
        except AWS_ERRORS as exc:
            if error_code(exc) != "ReportInProgress":
                raise ReportUnavailable(error_code(exc), str(exc)) from exc
        if time.monotonic() + delay > deadline:
            raise ReportUnavailable(
                "ReportTimeout", f"the credential report was not ready within {wait_seconds:g} s"
            )
        sleep(delay)
        delay = min(delay * 2, _MAX_POLL)
    content = response.get("Content", b"")
    text = content.decode("utf-8", "replace") if isinstance(content, bytes) else str(content)
    rows = {
        row["user"]: row
        for row in csv.DictReader(io.StringIO(text))
        if row.get("user") and row["user"] != ROOT_ROW
    }
    return rows, iso(response.get("GeneratedTime"))


def from_report(row: dict[str, str], source: str = "credential report") -> Credentials:
    """A user's credentials from their credential-report row; ``source`` says which report, how old.

    The report gives no key IDs (keys are named by slot) and, for a key that is not active, no
    date: ``access_key_N_last_rotated`` is ``N/A`` then, as it is for an empty slot. An inactive
    key with a date is kept; one without cannot be told from an empty slot (sending users' keys are
    read directly, so this only concerns users no SES-IAM policy is about).
    """
    keys = []
    for slot in (1, 2):
        active = row.get(f"access_key_{slot}_active", "").lower() == "true"
        created = iso(row.get(f"access_key_{slot}_last_rotated"))
        if not active and created is None:
            continue  # an empty slot, or an inactive key the report gives no facts for
        keys.append(
            {
                "id": f"access_key_{slot} ({source})",
                "status": "Active" if active else "Inactive",
                "created_at": created,
                "last_used_at": iso(row.get(f"access_key_{slot}_last_used_date")),
            }
        )
    return Credentials(keys, row.get("password_enabled", "").lower() == "true")


def from_api(iam: Client, user: str, set_name: str, out: Collected) -> Credentials:
    """A user's credentials read now, per user (sending users, and users the report does not cover)."""
    keys: Any
    try:
        raw = [
            k
            for page in pages(iam.list_access_keys, token="Marker", UserName=user)
            for k in page.get("AccessKeyMetadata", [])
        ]
    except AWS_ERRORS as exc:
        keys = out.fail_props(
            exc,
            operation="ListAccessKeys",
            set_name=set_name,
            blocked=f"iam_principal:user/{user}.access_keys",
        )
    else:
        keys = []
        for key in sorted(raw, key=lambda k: str(k.get("CreateDate"))):
            key_id = str(key.get("AccessKeyId", ""))
            last_used: Any
            try:
                used = iam.get_access_key_last_used(AccessKeyId=key_id).get("AccessKeyLastUsed", {})
                last_used = iso(used.get("LastUsedDate"))
            except AWS_ERRORS as exc:
                last_used = out.fail_props(
                    exc,
                    operation="GetAccessKeyLastUsed",
                    set_name=set_name,
                    blocked=f"iam_principal:user/{user}.access_keys",
                )
            keys.append(
                {
                    "id": mask(key_id),
                    "status": key.get("Status"),
                    "created_at": iso(key.get("CreateDate")),
                    "last_used_at": last_used,
                }
            )
    console: Any
    try:
        iam.get_login_profile(UserName=user)
        console = True
    except AWS_ERRORS as exc:
        if error_code(exc) == "NoSuchEntity":
            console = False
        else:
            console = out.fail_props(
                exc,
                operation="GetLoginProfile",
                set_name=set_name,
                blocked=f"iam_principal:user/{user}.console_password",
            )
    return Credentials(keys, console)
