"""The demo account's expected verdicts: the test oracle of ``sesguard.local.demo``.

One row per (policy, region or "global", resource name): the outcome a live scan of the demo account
must give. The demo builder stays in the product; what it should yield is the tests' to say.
"""

from __future__ import annotations

from typing import Final

from sesguard.local.demo import BAD, GOOD

# (policy id, region or "global", resource name, expected outcome)
EXPECTED: Final[tuple[tuple[str, str, str, str], ...]] = (
    # account, per region
    ("SES-ACCT-001", GOOD, "account", "pass"),
    ("SES-ACCT-001", BAD, "account", "fail"),
    ("SES-ACCT-002", GOOD, "account", "pass"),
    ("SES-ACCT-002", BAD, "account", "pass"),
    ("SES-ACCT-003", GOOD, "account", "pass"),
    ("SES-ACCT-003", BAD, "account", "fail"),
    ("SES-REP-001", GOOD, "account", "pass"),
    ("SES-REP-001", BAD, "account", "fail"),
    ("SES-REP-002", GOOD, "account", "pass"),
    ("SES-REP-002", BAD, "account", "fail"),
    ("SES-SUP-001", GOOD, "account", "pass"),
    ("SES-SUP-001", BAD, "account", "fail"),
    ("SES-VDM-001", GOOD, "account", "pass"),
    ("SES-VDM-001", BAD, "account", "pass"),  # on, for the investigation of the incident (demo_incident)
    ("SES-MON-001", GOOD, "account", "pass"),
    ("SES-MON-001", BAD, "account", "fail"),
    ("SES-MON-002", GOOD, "account", "pass"),
    ("SES-MON-002", BAD, "account", "fail"),
    # identities, us-east-1
    ("SES-ID-001", GOOD, "example.com", "pass"),
    ("SES-ID-003", GOOD, "example.com", "pass"),
    ("SES-ID-004", GOOD, "example.com", "pass"),
    ("SES-ID-005", GOOD, "example.com", "pass"),
    ("SES-ID-007", GOOD, "example.com", "pass"),
    ("SES-ID-008", GOOD, "example.com", "pass"),
    ("SES-ID-009", GOOD, "example.com", "pass"),
    ("SES-ID-001", GOOD, "alerts@example.com", "pass"),
    ("SES-ID-002", GOOD, "alerts@example.com", "pass"),
    ("SES-ID-007", GOOD, "alerts@example.com", "pass"),
    ("SES-ID-008", GOOD, "alerts@example.com", "pass"),
    ("SES-ID-001", GOOD, "newsletter.example.com", "pass"),
    ("SES-ID-003", GOOD, "newsletter.example.com", "pass"),
    ("SES-ID-004", GOOD, "newsletter.example.com", "fail"),
    ("SES-ID-005", GOOD, "newsletter.example.com", "fail"),
    ("SES-ID-007", GOOD, "newsletter.example.com", "pass"),
    ("SES-ID-008", GOOD, "newsletter.example.com", "fail"),
    ("SES-ID-001", GOOD, "byod.example.com", "pass"),
    ("SES-ID-003", GOOD, "byod.example.com", "pass"),
    ("SES-ID-005", GOOD, "byod.example.com", "pass"),
    # BYODKIM: AWS reports no key generation time (LastKeyGenerationTimestamp is Easy DKIM only), so
    # the key's age cannot be read and SES-ID-010 skips with that reason (it was "pass" while the
    # endpoint invented a timestamp AWS does not send; see docs/live-api.md).
    ("SES-ID-010", GOOD, "byod.example.com", "skip"),
    ("SES-ID-001", GOOD, "partner@thirdparty.example", "fail"),
    ("SES-ID-002", GOOD, "partner@thirdparty.example", "fail"),
    ("SES-ID-007", GOOD, "partner@thirdparty.example", "fail"),
    ("SES-ID-008", GOOD, "partner@thirdparty.example", "fail"),
    # identities, eu-west-1 (sandbox: SES-ID-002 does not apply)
    ("SES-ID-001", BAD, "shop.example.net", "pass"),
    ("SES-ID-003", BAD, "shop.example.net", "fail"),
    ("SES-ID-004", BAD, "shop.example.net", "pass"),
    ("SES-ID-005", BAD, "shop.example.net", "fail"),
    ("SES-ID-007", BAD, "shop.example.net", "fail"),
    ("SES-ID-008", BAD, "shop.example.net", "pass"),
    ("SES-ID-009", BAD, "shop.example.net", "fail"),
    ("SES-ID-002", BAD, "orders@shop.example.net", "skip"),
    ("SES-ID-007", BAD, "orders@shop.example.net", "fail"),
    ("SES-ID-008", BAD, "orders@shop.example.net", "fail"),
    ("SES-ID-001", BAD, "unverified.example.org", "fail"),
    ("SES-ID-003", BAD, "unverified.example.org", "fail"),
    ("SES-ID-005", BAD, "unverified.example.org", "fail"),
    ("SES-ID-003", BAD, "legacy-byod.example.net", "pass"),
    ("SES-ID-007", BAD, "legacy-byod.example.net", "pass"),
    ("SES-ID-010", BAD, "legacy-byod.example.net", "skip"),  # was "fail": see byod.example.com
    # configuration sets
    ("SES-CS-001", GOOD, "transactional", "pass"),
    ("SES-CS-002", GOOD, "transactional", "pass"),
    ("SES-CS-003", GOOD, "transactional", "pass"),
    ("SES-CS-004", GOOD, "transactional", "pass"),
    ("SES-CS-001", GOOD, "marketing", "fail"),
    ("SES-CS-002", GOOD, "marketing", "fail"),
    ("SES-CS-003", GOOD, "marketing", "fail"),
    ("SES-CS-004", GOOD, "marketing", "fail"),
    ("SES-CS-001", GOOD, "notifications", "fail"),
    ("SES-CS-002", GOOD, "notifications", "pass"),
    ("SES-CS-003", GOOD, "notifications", "pass"),
    ("SES-CS-004", GOOD, "notifications", "pass"),
    ("SES-CS-001", BAD, "eu-marketing", "fail"),
    ("SES-CS-002", BAD, "eu-marketing", "fail"),
    ("SES-CS-003", BAD, "eu-marketing", "fail"),
    ("SES-CS-004", BAD, "eu-marketing", "fail"),
    ("SES-CS-001", BAD, "eu-transactional", "pass"),
    ("SES-CS-002", BAD, "eu-transactional", "pass"),
    ("SES-CS-003", BAD, "eu-transactional", "pass"),
    ("SES-CS-004", BAD, "eu-transactional", "pass"),
    # sending principals and credentials (IAM is global)
    ("SES-IAM-001", "global", "smtp-sender", "pass"),
    ("SES-IAM-002", "global", "smtp-sender", "pass"),
    ("SES-IAM-003", "global", "smtp-sender", "pass"),
    ("SES-IAM-004", "global", "smtp-sender", "pass"),
    ("SES-IAM-005", "global", "smtp-sender", "pass"),
    ("SES-IAM-006", "global", "smtp-sender", "pass"),
    ("SES-IAM-007", "global", "smtp-sender", "pass"),
    ("SES-IAM-001", "global", "legacy-sender", "fail"),
    ("SES-IAM-002", "global", "legacy-sender", "fail"),
    ("SES-IAM-003", "global", "legacy-sender", "fail"),
    ("SES-IAM-004", "global", "legacy-sender", "fail"),
    ("SES-IAM-005", "global", "legacy-sender", "fail"),
    ("SES-IAM-006", "global", "legacy-sender", "pass"),
    ("SES-IAM-007", "global", "legacy-sender", "fail"),
    ("SES-IAM-001", "global", "two-key-sender", "pass"),
    ("SES-IAM-002", "global", "two-key-sender", "fail"),
    ("SES-IAM-003", "global", "two-key-sender", "fail"),
    ("SES-IAM-004", "global", "two-key-sender", "pass"),
    ("SES-IAM-005", "global", "two-key-sender", "pass"),
    ("SES-IAM-006", "global", "two-key-sender", "fail"),
    ("SES-IAM-007", "global", "two-key-sender", "pass"),
    ("SES-IAM-008", "global", "smtp-sender", "pass"),
    ("SES-IAM-008", "global", "legacy-sender", "pass"),
    ("SES-IAM-008", "global", "two-key-sender", "pass"),
    ("SES-IAM-008", "global", "sesguard-auditor", "pass"),
    ("SES-IAM-008", "global", "quarantined-user", "fail"),
    # receiving (us-east-1 only)
    ("SES-RCV-001", GOOD, "inbound-scanned", "pass"),
    ("SES-RCV-002", GOOD, "inbound-scanned", "pass"),
    ("SES-RCV-001", GOOD, "inbound-legacy", "fail"),
    ("SES-RCV-002", GOOD, "inbound-legacy", "fail"),
)
