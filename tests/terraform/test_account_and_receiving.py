"""Set-level account facts (suppression, VDM, alarms) and receipt rules."""

from __future__ import annotations

from sesguard.model import ACCOUNT, is_unknown

from .conftest import ReadHcl, of_type, props


def test_account_pass(read_hcl: ReadHcl) -> None:
    inv = read_hcl("""
resource "aws_sns_topic" "alarms" { name = "alarms" }
resource "aws_sesv2_account_suppression_attributes" "s" { suppressed_reasons = ["BOUNCE", "COMPLAINT"] }
resource "aws_sesv2_account_vdm_attributes" "v" {
  vdm_enabled = "ENABLED"
  dashboard_attributes { engagement_metrics = "ENABLED" }
  guardian_attributes { optimized_shared_delivery = "ENABLED" }
}
resource "aws_cloudwatch_metric_alarm" "bounce" {
  alarm_name          = "bounce"
  namespace           = "AWS/SES"
  metric_name         = "Reputation.BounceRate"
  threshold           = 0.05
  comparison_operator = "GreaterThanOrEqualToThreshold"
  evaluation_periods  = 1
  period              = 3600
  statistic           = "Average"
  alarm_actions       = [aws_sns_topic.alarms.arn]
}
resource "aws_cloudwatch_metric_alarm" "complaint" {
  alarm_name          = "complaint"
  comparison_operator = "GreaterThanOrEqualToThreshold"
  evaluation_periods  = 1
  threshold           = "0.001"
  actions_enabled     = false
  metric_query {
    id          = "m1"
    return_data = true
    metric {
      namespace   = "AWS/SES"
      metric_name = "Reputation.ComplaintRate"
      period      = 3600
      stat        = "Average"
    }
  }
}
resource "aws_cloudwatch_metric_alarm" "math" {
  alarm_name          = "math"
  comparison_operator = "GreaterThanThreshold"
  evaluation_periods  = 1
  threshold           = 5
  metric_query {
    id          = "e1"
    expression  = "m1 * 100"
    return_data = true
  }
  metric_query {
    id = "m1"
    metric {
      namespace   = "AWS/SES"
      metric_name = "Reputation.BounceRate"
      period      = 3600
      stat        = "Average"
    }
  }
}
""", set_name="infra")
    (account,) = of_type(inv, ACCOUNT)
    assert account.id == "infra"
    assert account.set_name == "infra"
    p = account.props
    assert p["suppressed_reasons"] == ["BOUNCE", "COMPLAINT"]
    assert p["vdm_enabled"] is True
    assert p["ses_resource_count"] == 2
    bounce, complaint, math = p["alarms"]
    assert bounce == {"name": "bounce", "namespace": "AWS/SES", "metric_name": "Reputation.BounceRate",
                      "dimensions": [], "expression": None, "threshold": 0.05,
                      "comparison": "GreaterThanOrEqualToThreshold", "actions": 1,
                      "actions_enabled": True, "file": bounce["file"], "line": 9}
    assert bounce["file"].endswith("main.tf")
    assert (complaint["namespace"], complaint["metric_name"], complaint["threshold"], complaint["actions"],
            complaint["actions_enabled"]) == ("AWS/SES", "Reputation.ComplaintRate", 0.001, 0, False)
    # `m1 * 100` is the bounce rate in percent: threshold 5 there is 0.05 on the metric's own scale.
    assert (math["metric_name"], math["dimensions"], math["expression"], math["threshold"]) == (
        "Reputation.BounceRate", [], None, 0.05)


def test_account_fail_defaults(read_hcl: ReadHcl) -> None:
    (account,) = of_type(read_hcl('resource "aws_ses_domain_identity" "d" { domain = "example.com" }'), ACCOUNT)
    assert account.props == {"suppressed_reasons": None, "vdm_enabled": False, "alarms": [], "ses_resource_count": 1}


def test_vdm_disabled_and_empty_suppression(read_hcl: ReadHcl) -> None:
    inv = read_hcl("""
resource "aws_sesv2_account_vdm_attributes" "v" { vdm_enabled = "DISABLED" }
resource "aws_sesv2_account_suppression_attributes" "s" { suppressed_reasons = [] }
""")
    (account,) = of_type(inv, ACCOUNT)
    assert (account.props["vdm_enabled"], account.props["suppressed_reasons"]) == (False, [])


def test_no_account_row_without_ses_resources(read_hcl: ReadHcl) -> None:
    inv = read_hcl('resource "aws_iam_user" "u" { name = "u" }')
    assert of_type(inv, ACCOUNT) == []
    assert [r.id for r in of_type(inv, "template_set")] == ["set"]


def test_receipt_rules(read_hcl: ReadHcl) -> None:
    inv = read_hcl("""
resource "aws_ses_receipt_rule_set" "main" { rule_set_name = "main" }
resource "aws_ses_active_receipt_rule_set" "main" { rule_set_name = aws_ses_receipt_rule_set.main.rule_set_name }
resource "aws_ses_receipt_rule" "pass" {
  name          = "pass"
  rule_set_name = aws_ses_receipt_rule_set.main.rule_set_name
  enabled       = true
  scan_enabled  = true
  tls_policy    = "Require"
}
resource "aws_ses_receipt_rule" "fail" {
  name          = "fail"
  rule_set_name = "inactive"
}
""")
    assert props(inv, "aws_ses_receipt_rule.pass") == {
        "name": "pass", "rule_set": "main", "enabled": True, "scan_enabled": True, "tls_policy": "REQUIRE",
        "rule_set_active": True}
    assert props(inv, "aws_ses_receipt_rule.fail") == {
        "name": "fail", "rule_set": "inactive", "enabled": False, "scan_enabled": False, "tls_policy": "OPTIONAL",
        "rule_set_active": None}


def test_resources_with_unknown_count_prove_nothing(read_hcl: ReadHcl) -> None:
    """An alarm, suppression or VDM setting whose number of instances a variable without default gives
    cannot make a row pass; with a known count of 1 it counts. (``count = var.enabled ? 1 : 0`` is read
    branch by branch: tests/test_tf_conditionals.py.)"""
    text = """
variable "enabled" { type = number }
resource "aws_sesv2_configuration_set" "main" { configuration_set_name = "main" }
resource "aws_sesv2_account_suppression_attributes" "s" {
  count              = var.enabled
  suppressed_reasons = ["BOUNCE", "COMPLAINT"]
}
resource "aws_sesv2_account_vdm_attributes" "v" {
  count       = var.enabled
  vdm_enabled = "ENABLED"
}
resource "aws_cloudwatch_metric_alarm" "bounce" {
  count               = var.enabled
  alarm_name          = "bounce"
  namespace           = "AWS/SES"
  metric_name         = "Reputation.BounceRate"
  threshold           = 0.05
  comparison_operator = "GreaterThanOrEqualToThreshold"
  evaluation_periods  = 1
  alarm_actions       = ["arn:aws:sns:us-east-1:111111111111:ops"]
}
"""
    account = of_type(read_hcl(text), ACCOUNT)[0].props
    assert is_unknown(account["suppressed_reasons"]) and is_unknown(account["vdm_enabled"])
    assert is_unknown(account["alarms"][0]["actions_enabled"])
    assert "var.enabled" in account["vdm_enabled"].reason
    known = of_type(read_hcl(text.replace("{ type = number }", "{ default = 1 }")), ACCOUNT)[0].props
    assert known["suppressed_reasons"] == ["BOUNCE", "COMPLAINT"] and known["vdm_enabled"] is True
    assert known["alarms"][0]["actions_enabled"] is True
