"""SES-MON-001/002 count only alarms on the account-level metric (no dimensions; metric math only when
the expression is that metric), and judge monitoring-only sets: every case of
tests/fixtures/alarms/cases.json gets the same verdicts from CloudFormation, Terraform (.tf), plan
JSON and a live account (the local endpoint, read through real botocore)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sesguard.local import LocalEndpoint
from sesguard.model import Inventory
from sesguard.sources.cfn import read_cloudformation
from sesguard.sources.terraform import read_terraform

from .alarm_cases import ALARMS, CASES, SENDING_ONLY, messages, verdicts
from .live_support import HOME, Scan

TEMPLATE_SOURCES = ("cfn", "tf", "plan")


def _read(source: str, case: str) -> Inventory:
    if source == "cfn":
        return read_cloudformation(ALARMS / case / "template.yaml", case)
    if source == "tf":
        return read_terraform(ALARMS / case, case)
    return read_terraform(ALARMS / "plans" / f"{case}.json", case)


def _live(endpoint: LocalEndpoint, scan: Scan, case: dict[str, Any]) -> Inventory:
    topic = endpoint.client("sns", HOME).create_topic(Name="ses-alarms")["TopicArn"]
    cloudwatch = endpoint.client("cloudwatch", HOME)
    for alarm in case["alarms"]:
        cloudwatch.put_metric_alarm(**alarm, AlarmActions=[topic])
    # The region has alarms but no identity and sent nothing: quiet unless strict (the verdicts are the point).
    inventory = scan(regions=[HOME], all_regions_strict=True)
    assert inventory.errors == []
    inventory.resources = [r for r in inventory.resources if r.type == "account"]
    return inventory


def _alarms(inventory: Inventory) -> list[dict[str, Any]]:
    (account,) = [r for r in inventory.resources if r.type == "account"]
    return list(account.props["alarms"])


@pytest.mark.parametrize("source", TEMPLATE_SOURCES)
@pytest.mark.parametrize("case", CASES, ids=lambda c: str(c["name"]))
def test_alarm_case_verdicts_from_templates(case: dict[str, Any], source: str) -> None:
    inventory = _read(source, case["name"])
    assert inventory.errors == []
    assert verdicts(inventory) == case["expect"]


@pytest.mark.parametrize("case", CASES, ids=lambda c: str(c["name"]))
def test_alarm_case_verdicts_live(endpoint: LocalEndpoint, scan: Scan, case: dict[str, Any]) -> None:
    live = _live(endpoint, scan, case)
    assert verdicts(live) == case["expect"]
    # The same facts as the template, field by field (templates add file and line).
    cfn = _read("cfn", case["name"])
    fields = ("name", "namespace", "metric_name", "dimensions", "expression", "threshold", "comparison", "actions")
    shown = [{f: a[f] for f in fields} for a in _alarms(live)]
    assert shown == sorted(({f: a[f] for f in fields} for a in _alarms(cfn)), key=lambda a: a["name"])


@pytest.mark.parametrize("source", TEMPLATE_SOURCES)
def test_a_monitoring_only_set_is_not_judged_on_sending_settings(source: str) -> None:
    found = verdicts(_read(source, "account-level"), ("SES-MON-001", *SENDING_ONLY))
    assert found["SES-MON-001"] == "pass"
    assert {found[p] for p in SENDING_ONLY if p in found} == {"skip"}


@pytest.mark.parametrize("source", TEMPLATE_SOURCES)
def test_the_facts_name_what_disqualifies_an_alarm(source: str) -> None:
    by_name = {a["name"]: a for a in _alarms(_read(source, "math-not-the-metric"))}
    assert by_name["ses-bounce-rate"]["expression"] == "m1 * 0"
    assert by_name["ses-complaint-rate"]["dimensions"] == ["ses:configuration-set=marketing"]
    scaled = {a["name"]: a for a in _alarms(_read(source, "metric-math"))}["ses-complaint-rate-percent"]
    assert (scaled["metric_name"], scaled["threshold"], scaled["expression"]) == (
        "Reputation.ComplaintRate", 0.001, None)
    assert "none of 4 CloudWatch alarms qualifies" in messages(_read(source, "percent-thresholds"))["SES-MON-001"]


def test_a_set_without_ses_alarms_or_resources_has_no_account_row(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'resource "aws_cloudwatch_metric_alarm" "cpu" {\n  alarm_name = "cpu"\n  namespace = "AWS/EC2"\n'
        '  metric_name = "CPUUtilization"\n  comparison_operator = "GreaterThanThreshold"\n'
        "  evaluation_periods = 1\n  threshold = 90\n}\n"
    )
    inventory = read_terraform(tmp_path, "ec2")
    assert [r for r in inventory.resources if r.type == "account"] == []
    assert verdicts(inventory) == {"SES-MON-001": "skip", "SES-MON-002": "skip"}
