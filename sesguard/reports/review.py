"""Drafts of the reply AWS asks for when an account is under review, pre-filled with the evidence.

Two kinds of case: *reputation* (per account and region whose enforcement status is not HEALTHY or
whose bounce or complaint rate is at or above the review threshold) and *vulnerable site* (per
account whose credential findings fail at high or critical severity). Each draft follows the
structure AWS asks for: (1) the cause, (2) the changes made, (3) how recurrence is prevented.
Places only the operator can fill are marked ``[[OPERATOR: ...]]``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from sesguard.atomic import write_text_atomic
from sesguard.findings.reader import Doc, check
from sesguard.investigate.render import cause_lines as investigation_cause_lines
from sesguard.investigate.render import load as load_investigations
from sesguard.reports import document, history
from sesguard.reports.document import Row, percent
from sesguard.reports.document import md_cell as _cell
from sesguard.reports.document import md_code as _code

DIRNAME = "review"
INDEX = "index.md"
MARK = "[[OPERATOR:"

# Policies that bear on a bounce or complaint review, with the cause their failure suggests.
REPUTATION_CAUSES: Final[dict[str, str]] = {
    "SES-SUP-001": "The account-level suppression list does not suppress both BOUNCE and COMPLAINT, "
    "so addresses that had already bounced or complained could be sent to again.",
    "SES-CS-004": "A configuration set overrides suppression without BOUNCE and COMPLAINT, so mail sent "
    "through it reaches addresses that had already bounced or complained.",
    "SES-CS-001": "Bounce and complaint events are not published to a destination, so bounced and "
    "complaining addresses were not removed from the sending lists.",
    "SES-ID-007": "Bounce and complaint feedback for the identity reaches no system (no event "
    "destination and no notification topic), so it could not be acted on.",
    "SES-ID-008": "The identity has no default configuration set: mail sent without one is not covered "
    "by event publishing, and its bounces go unprocessed.",
    "SES-MON-001": "No alarm watches Reputation.BounceRate, so the rise went unnoticed until the notice.",
    "SES-MON-002": "No alarm watches Reputation.ComplaintRate, so the rise went unnoticed until the notice.",
    "SES-VDM-001": "Virtual Deliverability Manager is off: no deliverability insight into the rise.",
    "SES-ID-003": "DKIM signing is not in effect: unauthenticated mail is more often marked as spam.",
    "SES-ID-005": "No custom MAIL FROM domain: SPF does not align for DMARC, hurting deliverability.",
    "SES-ID-006": "No DMARC policy is published for the domain.",
    "SES-ACCT-002": "Sending is disabled for the account in this region.",
}
REPUTATION_STATE = ("SES-ACCT-001", "SES-REP-001", "SES-REP-002")

# Credential policies, with the root cause their failure suggests (the "Vulnerable Site" case).
CREDENTIAL_CAUSES: Final[dict[str, str]] = {
    "SES-IAM-008": "AWS attached an AWSCompromisedKeyQuarantine policy: it found the user's access key "
    "exposed (for example in a public repository) and restricted it.",
    "SES-IAM-010": "A literal credential is written in an infrastructure template, where anyone who can "
    "read the repository can use it.",
    "SES-IAM-009": "A template exposes a secret access key or SMTP password (stack output, tag, parameter "
    "default or plain property) instead of passing it to a secret store.",
    "SES-IAM-004": "Active sending keys are older than the rotation limit: a long-lived key has had more "
    "time to be copied, logged or leaked.",
    "SES-IAM-005": "Active sending keys are unused: a forgotten key can leak without anyone noticing.",
    "SES-IAM-001": "The sending user may do more than send email: a leaked key gives the holder those "
    "rights too.",
    "SES-IAM-002": "The send permission is not scoped to identities: a leaked key can send as any identity.",
    "SES-IAM-003": "The send permission is not restricted to known networks: a leaked SMTP credential works "
    "from anywhere.",
    "SES-IAM-006": "A sending user has more than one active key, so a rotation may have left an old one.",
    "SES-IAM-007": "A sending user also has a console password.",
}
CREDENTIAL_TRIGGER_SEVERITIES = frozenset({"critical", "high"})
CREDENTIAL_STEPS = (
    "Deactivate, then delete, every exposed or quarantined access key and the SMTP passwords derived from it.",
    "Create new keys only where needed, stored in a secret store (AWS Secrets Manager), never in code, "
    "templates or CI logs.",
    "Review AWS CloudTrail for the exposed keys' activity and the SES sending statistics and events for "
    "mail you did not send.",
)


@dataclass(frozen=True)
class Case:
    """One review response to draft."""

    kind: str  # "reputation" or "vulnerable-site"
    account: str
    region: str | None
    reasons: tuple[str, ...]

    @property
    def filename(self) -> str:
        """The draft's file name inside ``review/``."""
        where = f"{self.account}-{self.region}" if self.region else self.account
        safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in where)
        return f"{self.kind}-{safe}.md"


def _reputation_reasons(rate: Mapping[str, Any]) -> tuple[str, ...]:
    reasons = []
    status = rate.get("enforcement_status")
    if status and status != "HEALTHY":
        reasons.append(f"enforcement status {status}")
    if (document.rate_number(rate.get("bounce_rate")) or 0) >= document.BOUNCE_REVIEW:
        reasons.append(f"bounce rate {percent(rate['bounce_rate'])}")
    if (document.rate_number(rate.get("complaint_rate")) or 0) >= document.COMPLAINT_REVIEW:
        reasons.append(f"complaint rate {percent(rate['complaint_rate'])}")
    return tuple(reasons)


def cases(doc: Doc) -> list[Case]:
    """The review responses ``doc`` calls for (live accounts only: AWS reviews accounts, not templates)."""
    found: list[Case] = []
    for rate in doc.get("rates") or []:
        reasons = _reputation_reasons(rate)
        if reasons:
            found.append(Case("reputation", str(rate.get("account")), str(rate.get("region")), reasons))
    seen = {(c.account, c.region) for c in found}
    credential: dict[str, set[str]] = {}
    for row in doc.get("findings") or []:
        resource = row.get("resource") or {}
        if not resource.get("account") or row.get("status") != "fail":
            continue
        key = (str(resource["account"]), str(resource.get("region")))
        pid = str(row.get("policy_id"))
        if pid == "SES-ACCT-001" and key not in seen:  # enforcement status known only from its row
            seen.add(key)
            found.append(Case("reputation", key[0], key[1], (str(row.get("message")),)))
        if pid in CREDENTIAL_CAUSES and row.get("severity") in CREDENTIAL_TRIGGER_SEVERITIES:
            credential.setdefault(key[0], set()).add(pid)
    found += [Case("vulnerable-site", acct, None, tuple(sorted(p))) for acct, p in sorted(credential.items())]
    return found


def _rows_table(rows: Sequence[Row]) -> list[str]:
    if not rows:
        return ["_None._"]
    lines = ["| policy | severity | resource | finding |", "|---|---|---|---|"]
    for r in rows:
        resource = r.get("resource") or {}
        lines.append(
            f"| {r['policy_id']} {_cell(r.get('title'))} | {r.get('severity')} | "
            f"{_code(resource.get('id'))} | {_cell(r.get('message'))} |"
        )
    return lines


@dataclass(frozen=True)
class _Run:
    """A run's rows indexed once for all its drafts, with its history series and fixed rows."""

    doc: Doc
    series: list[history.Entry]
    by_region: dict[tuple[str, str], list[Row]]
    by_account: dict[str, list[Row]]
    fixed: frozenset[str]
    investigations: tuple[Mapping[str, Any], ...] = ()

    @classmethod
    def of(
        cls, doc: Doc, entries: Sequence[history.Entry], investigations: Sequence[Mapping[str, Any]] = ()
    ) -> _Run:
        by_region: dict[tuple[str, str], list[Row]] = {}
        by_account: dict[str, list[Row]] = {}
        for row in doc.get("findings") or []:
            resource = row.get("resource") or {}
            account = str(resource.get("account"))
            by_region.setdefault((account, str(resource.get("region"))), []).append(row)
            by_account.setdefault(account, []).append(row)
        fixed = frozenset(f["id"] for f in history.changes(entries, doc)["fixed"] if f["now"] == "pass")
        return cls(doc, history.series(entries, doc), by_region, by_account, fixed, tuple(investigations))

    def investigation(self, case: Case) -> Mapping[str, Any] | None:
        """The saved ``sesguard investigate`` result for the case's account and region, if any."""
        return next(
            (i for i in self.investigations if str(i.get("account_id")) == case.account
             and str(i.get("region")) == case.region),
            None,
        )  # fmt: skip

    def rows(self, case: Case) -> list[Row]:
        """The rows a case is about: its account and region, or its account's credential rows."""
        if case.kind == "vulnerable-site":
            return [
                r
                for r in self.by_account.get(case.account, [])
                if str(r.get("policy_id")).startswith("SES-IAM-")
            ]
        return self.by_region.get((case.account, str(case.region)), [])

    def fixed_in(self, rows: Sequence[Row]) -> list[str]:
        """Ids among ``rows`` that failed in the previous run and pass now."""
        return [str(r["id"]) for r in rows if r.get("id") in self.fixed]


def _header(case: Case, doc: Doc, title: str) -> list[str]:
    run = doc.get("run") or {}
    return [
        f"# DRAFT: {title}",
        "",
        f"> Drafted by sesguard from the run of {run.get('started_at')} ({', '.join(case.reasons)}).",
        f"> Check every statement, fill in each `{MARK} ...]]` place with what only you know, delete the "
        "candidates that do not apply, then send it as your reply to the notice in the AWS Support Center.",
        "",
    ]


def _rate_lines(case: Case, run: _Run) -> list[str]:
    rate: Mapping[str, Any] = next(
        (
            r
            for r in run.doc.get("rates") or []
            if str(r.get("account")) == case.account and str(r.get("region")) == case.region
        ),
        {},
    )
    lines = [
        f"- Enforcement status: **{rate.get('enforcement_status', 'unknown')}**",
        f"- Bounce rate: **{percent(rate.get('bounce_rate'))}** at {rate.get('bounce_rate_at') or 'n/a'} "
        "(recommended below 2%, review at 5%, sending may be paused at 10%)",
        f"- Complaint rate: **{percent(rate.get('complaint_rate'), 3)}** at "
        f"{rate.get('complaint_rate_at') or 'n/a'} (recommended below 0.1%, review at 0.1%, pause at 0.5%)",
    ]
    points = []
    for entry in run.series:
        match = next(
            (
                r
                for r in entry.get("rates") or []
                if str(r.get("account")) == case.account and str(r.get("region")) == case.region
            ),
            None,
        )
        if match:
            points.append(match)
    if len(points) > 1:
        lines += [
            "",
            "Rates over the recorded runs:",
            "",
            "| bounce rate at | bounce | complaint rate at | complaint |",
            "|---|---|---|---|",
        ]
        lines += [
            f"| {p.get('bounce_rate_at')} | {percent(p.get('bounce_rate'))} | {p.get('complaint_rate_at')} | "
            f"{percent(p.get('complaint_rate'), 3)} |"
            for p in points[-12:]
        ]
    return lines


def _in_place(rows: Sequence[Row], relevant: Mapping[str, str], fixed: Sequence[str]) -> list[str]:
    passing = [r for r in rows if r.get("status") == "pass" and str(r.get("policy_id")) in relevant]
    lines = [f"- {r['policy_id']} {r.get('title')}: `{(r.get('resource') or {}).get('id')}`" for r in passing]
    lines += [f"- Fixed since the previous run: `{i}`" for i in fixed]
    return lines or ["- _Nothing relevant passes yet._"]


def _draft_reputation(case: Case, run: _Run) -> str:
    rows = run.rows(case)
    relevant = {**REPUTATION_CAUSES, **dict.fromkeys(REPUTATION_STATE, "")}
    failing = [r for r in document.failing(rows) if str(r.get("policy_id")) in relevant]
    causes = [r for r in failing if str(r.get("policy_id")) in REPUTATION_CAUSES]
    fixed = run.fixed_in(rows)
    kinds = [
        k
        for k, word in (("Bounce", "bounce"), ("Complaint", "complaint"))
        if any(word in reason for reason in case.reasons)
    ] or ["Sending"]
    title = (
        f"Response to the Amazon SES {' and '.join(kinds)} Review Period for AWS account "
        f"{case.account} in {case.region}"
    )
    lines = [*_header(case, run.doc, title), "## Evidence", "", *_rate_lines(case, run)]
    lines += ["", "Failing policies in this account and region:", "", *_rows_table(failing)]
    lines += ["", "Already in place:", "", *_in_place(rows, REPUTATION_CAUSES, fixed)]
    lines += ["", "## 1. The cause", ""]
    found = run.investigation(case)
    if found is not None:
        lines += [*investigation_cause_lines(found), ""]
    else:
        lines += ["_Run `sesguard investigate` to add the evidence from the sending data here._", ""]
    lines += ["Candidates from the scan (keep those that apply):", ""]
    lines += [
        f"- {REPUTATION_CAUSES[str(r['policy_id'])]} ({r['policy_id']}, `{(r.get('resource') or {}).get('id')}`)"
        for r in causes
    ] or ["- _The scan found no configuration cause; the cause is likely in the lists._"]
    lines += [
        "",
        f"{MARK} what was sent that bounced or drew complaints: which list or campaign, how its "
        "addresses were collected, when it started, how many messages.]]",
        "",
    ]
    lines += ["## 2. The changes made", ""]
    lines += [
        f"- [ ] {_remedy(r)} ({r['policy_id']}, `{(r.get('resource') or {}).get('id')}`)" for r in causes
    ]
    lines += [
        f"- {MARK} changes to the lists and the sending process, with dates: addresses removed, "
        "re-confirmation, sources stopped, sending paused.]]",
        "",
    ]
    lines += ["## 3. How recurrence is prevented", ""]
    lines += _prevention(
        rows, ("SES-SUP-001", "SES-CS-001", "SES-ID-007", "SES-MON-001", "SES-MON-002", "SES-VDM-001")
    )
    lines += [
        f"- sesguard runs periodically against this account ({len(run.series)} "
        "recorded runs) and fails the build on these policies.",
        f"- {MARK} the process: how addresses are confirmed (double opt-in), when unengaged recipients "
        "are removed, who watches the alarms and what they do.]]",
        "",
    ]
    return "\n".join(lines)


def _draft_credentials(case: Case, run: _Run) -> str:
    rows = run.rows(case)
    failing = [r for r in document.failing(rows) if str(r.get("policy_id")) in CREDENTIAL_CAUSES]
    title = f"Response to the Amazon SES Vulnerable Site Review Period for AWS account {case.account}"
    lines = [*_header(case, run.doc, title), "## Evidence", "", "Failing credential policies:", ""]
    lines += _rows_table(failing)
    lines += ["", "Already in place:", "", *_in_place(rows, CREDENTIAL_CAUSES, run.fixed_in(rows))]
    lines += ["", "## 1. The cause", "", "Root cause candidates from the scan (keep those that apply):", ""]
    for pid in sorted({str(r["policy_id"]) for r in failing}, key=lambda p: list(CREDENTIAL_CAUSES).index(p)):
        who = ", ".join(
            sorted({f"`{(r.get('resource') or {}).get('id')}`" for r in failing if r["policy_id"] == pid})
        )
        lines.append(f"- {CREDENTIAL_CAUSES[pid]} ({pid}: {who})")
    lines += [
        "",
        f"{MARK} where the credentials were exposed (repository, CI log, compromised host or site), "
        "since when, and how you found out.]]",
        "",
        "## 2. The changes made",
        "",
    ]
    lines += [f"- [ ] {step}" for step in CREDENTIAL_STEPS]
    lines += [
        f"- [ ] {_remedy(r)} ({r['policy_id']}, `{(r.get('resource') or {}).get('id')}`)" for r in failing
    ]
    lines += [
        f"- {MARK} what you changed, with dates: keys deleted, hosts cleaned, code or templates fixed.]]",
        "",
        "## 3. How recurrence is prevented",
        "",
    ]
    lines += _prevention(
        rows, ("SES-IAM-001", "SES-IAM-002", "SES-IAM-003", "SES-IAM-004", "SES-IAM-009", "SES-IAM-010")
    )
    lines += [
        "- sesguard runs periodically and fails the build on credential findings.",
        f"- {MARK} the process: secret scanning in CI, key rotation owner and schedule, who is alerted.]]",
        "",
    ]
    return "\n".join(lines)


def _remedy(row: Row) -> str:
    remediation = row.get("remediation") or {}
    return str(remediation.get("summary") or row.get("title"))


def _prevention(rows: Sequence[Row], pids: Sequence[str]) -> list[str]:
    lines = []
    for pid in pids:
        mine = [r for r in rows if r.get("policy_id") == pid]
        if not mine:
            continue
        bad = [r for r in mine if document.is_failing(r)]
        state = "**not yet in place**" if bad else "in place"
        lines.append(f"- {mine[0].get('title')} ({pid}): {state}")
    return lines


def draft(
    case: Case,
    doc: Doc,
    entries: Sequence[history.Entry] = (),
    investigations: Sequence[Mapping[str, Any]] = (),
) -> str:
    """The Markdown draft for one case (with ``sesguard investigate`` evidence when given)."""
    return _draft(case, _Run.of(doc, entries, investigations))


def _draft(case: Case, run: _Run) -> str:
    if case.kind == "vulnerable-site":
        return _draft_credentials(case, run)
    return _draft_reputation(case, run)


def covered(doc: Doc) -> set[str]:
    """The draft file names ``doc`` can speak for: those of the accounts and regions it read in full.

    A complete live run speaks for the reputation draft of each account and region it read and
    the vulnerable-site draft of each account; a partial run (``-k``, ``--lf``, a shard) or a
    template run speaks for none: it neither rewrites nor removes a draft it did not re-evaluate.
    """
    if document.is_partial(doc):
        return set()
    names = set()
    for rate in doc.get("rates") or []:
        account = str(rate.get("account"))
        names.add(Case("reputation", account, str(rate.get("region")), ()).filename)
        names.add(Case("vulnerable-site", account, None, ()).filename)
    return names


def write(doc: Doc, report_dir: Path) -> Path:
    """Write one draft per case and an index into ``report_dir/review/``; return the index.

    Drafts that no longer apply are removed when this run can speak for them (see :func:`covered`);
    drafts of accounts and regions it did not read in full are kept and listed as earlier ones.
    """
    check(doc)
    folder = report_dir / DIRNAME
    run = _Run.of(doc, history.read(report_dir), load_investigations(report_dir))
    found = cases(doc) if not document.is_partial(doc) else []
    speaks_for = covered(doc)
    written = {INDEX}
    for case in found:
        write_text_atomic(_draft(case, run), folder / case.filename)
        written.add(case.filename)
    kept = []
    if folder.is_dir():
        for draft_file in sorted(folder.glob("*.md")):
            if draft_file.name in written:
                continue
            if draft_file.name in speaks_for:
                draft_file.unlink()
            else:
                kept.append(draft_file.name)
    index = folder / INDEX
    if not found and not speaks_for and index.exists():
        return index  # nothing this run can say about the drafts: leave the index as it is
    lines = ["# Review response drafts", ""]
    if not found and not kept:
        lines.append(
            "No response needed: every account and region is HEALTHY and below the review "
            "thresholds, and no credential finding fails at high or critical severity."
        )
    lines += [
        f"- [{c.filename}]({c.filename}): {c.kind} {c.account}{'/' + c.region if c.region else ''} "
        f"({', '.join(c.reasons)})"
        for c in found
    ]
    lines += [f"- [{name}]({name}): from an earlier run (this run did not read its account or region)" for name in kept]
    return write_text_atomic("\n".join(lines) + "\n", index)
