"""The IAM credential report as AWS serves it: a snapshot, reused for four hours.

moto 5.2.5 builds the report from the live state on every ``GetCredentialReport`` (so a key created
a second ago is in it) and stamps it with a fixed 2015 ``GeneratedTime``. AWS does not:

- ``GenerateCredentialReport`` starts a new report only when none exists or the existing one is at
  least four hours old; otherwise it answers ``COMPLETE`` and the old report stays
  (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_getting-report.html: "If the
  existing report is less than four hours old, IAM doesn't generate a new report").
- A new report takes a moment: ``STARTED``, then ``INPROGRESS``, then ``COMPLETE``; until then
  ``GetCredentialReport`` answers ``ReportInProgress`` (404); with no report ``ReportNotPresent``
  (410), and after four hours ``ReportExpired`` (410) (API reference, GetCredentialReport "Errors").
- The content is what the account looked like at generation, with ``GeneratedTime``.
- ``access_key_N_last_rotated`` is ``N/A`` when the key is not active (report format,
  "access_key_1_last_rotated": "If the user does not have an active access key, the value in this
  field is N/A").

Test hook: :meth:`CredentialReports.age` (``POST /_sesguard/iam/credential-report``) makes the
current report older, to reach the reuse boundary without waiting four hours.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import threading
from dataclasses import dataclass
from typing import Any, Final

from . import moto_bridge
from .errors import ApiError

REUSE: Final = dt.timedelta(hours=4)
GENERATION_TIME: Final = dt.timedelta(seconds=0.1)
OPERATIONS: Final = frozenset({"GenerateCredentialReport", "GetCredentialReport"})


@dataclass
class _Report:
    started_at: dt.datetime
    content: str


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _as_aws_writes_it(content: str) -> str:
    """moto's report with AWS's ``N/A`` for the rotation date of keys that are not active."""
    rows = list(csv.DictReader(io.StringIO(content)))
    if not rows:
        return content
    for row in rows:
        for slot in (1, 2):
            if row.get(f"access_key_{slot}_active", "").lower() != "true":
                row[f"access_key_{slot}_last_rotated"] = "N/A"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


class CredentialReports:
    """One credential report per account, served as AWS serves it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._reports: dict[str, _Report] = {}

    def reset(self) -> None:
        """Forget every report."""
        with self._lock:
            self._reports.clear()

    def answer(self, operation: str, account_id: str) -> dict[str, Any]:
        """The response document of ``operation`` (one of :data:`OPERATIONS`)."""
        if operation == "GenerateCredentialReport":
            return self._generate(account_id)
        return self._get(account_id)

    def _generate(self, account_id: str) -> dict[str, Any]:
        now = _now()
        with self._lock:
            report = self._reports.get(account_id)
            if report is not None and now - report.started_at < REUSE:
                if now - report.started_at < GENERATION_TIME:
                    return {"State": "INPROGRESS", "Description": "Report generation in progress"}
                return {"State": "COMPLETE"}
            content = _as_aws_writes_it(moto_bridge.credential_report_csv(account_id))
            self._reports[account_id] = _Report(now, content)
        return {"State": "STARTED", "Description": "No report exists. Starting a new report generation task"}

    def _get(self, account_id: str) -> dict[str, Any]:
        now = _now()
        with self._lock:
            report = self._reports.get(account_id)
        if report is None:
            raise ApiError("ReportNotPresent", "Credential report not present", 410)
        if now - report.started_at >= REUSE:
            raise ApiError("ReportExpired", "Credential report has expired", 410)
        if now - report.started_at < GENERATION_TIME:
            raise ApiError("ReportInProgress", "Credential report is being generated", 404)
        return {
            "Content": report.content.encode(),
            "ReportFormat": "text/csv",
            "GeneratedTime": report.started_at.replace(microsecond=0),
        }

    def age(self, account_id: str, hours: float) -> dict[str, Any]:
        """Make the account's report ``hours`` older; returns its new generation time."""
        with self._lock:
            report = self._reports.get(account_id)
            if report is None:
                raise moto_bridge.BridgeError(f"account {account_id} has no credential report")
            report.started_at -= dt.timedelta(hours=hours)
            return {"GeneratedTime": report.started_at.isoformat()}
