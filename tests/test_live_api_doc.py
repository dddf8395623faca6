"""docs/live-api.md names exactly the actions of sesguard/iam-readonly-policy.json, each with a source."""

from __future__ import annotations

import re
from pathlib import Path

from sesguard.sources.live.permissions import policy_actions
from sesguard.sources.live.session import IAM_PREFIX

DOC = Path(__file__).resolve().parents[1] / "docs" / "live-api.md"
ROW = re.compile(r"^\| `([a-z0-9-]+:[A-Za-z]+)` \|(.*)\|\s*$")


def _rows() -> dict[str, list[str]]:
    rows: dict[str, list[str]] = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        found = ROW.match(line)
        if found:
            assert found.group(1) not in rows, f"{found.group(1)} listed twice"
            rows[found.group(1)] = [cell.strip() for cell in found.group(2).split(" | ")]
    return rows


def test_the_table_lists_exactly_the_policy_actions() -> None:
    assert set(_rows()) == policy_actions()


def test_every_row_cites_aws_and_says_what_failure_becomes() -> None:
    for action, (operation, when, limits, errors, source) in _rows().items():
        assert operation and when and limits and errors, action
        assert "https://docs.aws.amazon.com/" in source, f"{action}: no AWS source"
        assert action.split(":")[1] in source, f"{action}: the source is not the operation's page"
        assert operation.split()[-1] == action.split(":")[1], action


def test_every_action_belongs_to_a_service_the_reader_uses() -> None:
    prefixes = set(IAM_PREFIX.values())
    assert {action.split(":")[0] for action in _rows()} <= prefixes
