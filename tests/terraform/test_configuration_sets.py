"""Configuration sets (v1 and v2) and their event destinations."""

from __future__ import annotations

import pytest

from sesguard.model import Branches, is_unknown
from sesguard.policies import load_policies
from sesguard.run import derive, evaluate

from .conftest import ReadHcl, props


def test_v2_configuration_set_pass(read_hcl: ReadHcl) -> None:
    inv = read_hcl("""
resource "aws_sns_topic" "t" { name = "feedback" }
resource "aws_sesv2_configuration_set" "pass" {
  configuration_set_name = "pass"
  delivery_options { tls_policy = "REQUIRE" }
  reputation_options { reputation_metrics_enabled = true }
  sending_options { sending_enabled = true }
  suppression_options { suppressed_reasons = ["BOUNCE", "COMPLAINT"] }
  vdm_options {
    dashboard_options { engagement_metrics = "ENABLED" }
  }
}
resource "aws_sesv2_configuration_set_event_destination" "both" {
  configuration_set_name = aws_sesv2_configuration_set.pass.configuration_set_name
  event_destination_name = "feedback"
  event_destination {
    enabled              = true
    matching_event_types = ["BOUNCE", "COMPLAINT", "DELIVERY"]
    sns_destination { topic_arn = aws_sns_topic.t.arn }
  }
}
""")
    p = props(inv, "aws_sesv2_configuration_set.pass")
    assert p["name"] == "pass"
    assert p["tls_policy"] == "REQUIRE"
    assert p["reputation_metrics_enabled"] is True
    assert p["sending_enabled"] is True
    assert p["suppressed_reasons"] == ["BOUNCE", "COMPLAINT"]
    assert p["event_destinations"] == [{
        "name": "feedback", "enabled": True, "event_types": ["BOUNCE", "COMPLAINT", "DELIVERY"],
        "target": "sns",
    }]


def test_v2_configuration_set_defaults_fail(read_hcl: ReadHcl) -> None:
    inv = read_hcl("""
resource "aws_sesv2_configuration_set" "fail" {
  configuration_set_name = "fail"
  suppression_options { suppressed_reasons = ["bounce"] }
}
resource "aws_sesv2_configuration_set_event_destination" "disabled" {
  configuration_set_name = "fail"
  event_destination_name = "cw"
  event_destination {
    matching_event_types = ["SEND"]
    cloud_watch_destination {
      dimension_configuration {
        default_dimension_value = "x"
        dimension_name          = "x"
        dimension_value_source  = "MESSAGE_TAG"
      }
    }
  }
}
""")
    p = props(inv, "aws_sesv2_configuration_set.fail")
    assert p["tls_policy"] == "OPTIONAL"
    assert p["reputation_metrics_enabled"] is False
    assert p["sending_enabled"] is True
    assert p["suppressed_reasons"] == ["BOUNCE"]
    assert p["event_destinations"] == [
        {"name": "cw", "enabled": False, "event_types": ["SEND"], "target": "cloudwatch"}
    ]


def test_v1_configuration_set_and_destination_by_name(read_hcl: ReadHcl) -> None:
    inv = read_hcl("""
resource "aws_ses_configuration_set" "v1" {
  name                       = "legacy"
  reputation_metrics_enabled = true
  sending_enabled            = false
  delivery_options { tls_policy = "Require" }
}
resource "aws_ses_event_destination" "sns" {
  name                   = "sns"
  configuration_set_name = "legacy"
  enabled                = true
  matching_types         = ["bounce", "complaint", "renderingFailure"]
  sns_destination { topic_arn = "arn:aws:sns:us-east-1:123456789012:t" }
}
resource "aws_ses_event_destination" "off" {
  name                   = "off"
  configuration_set_name = aws_ses_configuration_set.v1.name
  matching_types         = ["send"]
  cloudwatch_destination {
    default_value  = "x"
    dimension_name = "x"
    value_source   = "emailHeader"
  }
}
resource "aws_ses_configuration_set" "bare" { name = "bare" }
""")
    p = props(inv, "aws_ses_configuration_set.v1")
    assert p["tls_policy"] == "REQUIRE"
    assert p["reputation_metrics_enabled"] is True
    assert p["sending_enabled"] is False
    assert p["suppressed_reasons"] is None
    assert p["event_destinations"] == [
        {"name": "sns", "enabled": True, "event_types": ["BOUNCE", "COMPLAINT", "RENDERING_FAILURE"],
         "target": "sns"},
        {"name": "off", "enabled": False, "event_types": ["SEND"], "target": "cloudwatch"},
    ]
    bare = props(inv, "aws_ses_configuration_set.bare")
    assert (bare["tls_policy"], bare["reputation_metrics_enabled"], bare["event_destinations"]) == (
        "OPTIONAL", False, [])


def test_dynamic_destination_blocks(read_hcl: ReadHcl) -> None:
    inv = read_hcl("""
variable "topics" { default = { BOUNCE = "arn:aws:sns:us-east-1:1:b" } }
resource "aws_sesv2_configuration_set" "cs" { configuration_set_name = "cs" }
resource "aws_sesv2_configuration_set_event_destination" "d" {
  for_each               = var.topics
  configuration_set_name = aws_sesv2_configuration_set.cs.configuration_set_name
  event_destination_name = each.key
  event_destination {
    enabled              = true
    matching_event_types = ["BOUNCE"]
    dynamic "sns_destination" {
      for_each = [each.value]
      content { topic_arn = sns_destination.value }
    }
  }
}
""")
    (dest,) = props(inv, "aws_sesv2_configuration_set.cs")["event_destinations"]
    assert dest["enabled"] is True
    assert dest["event_types"] == ["BOUNCE"]
    assert dest["target"] == "sns"


@pytest.mark.parametrize("count", ["var.delivery_destinations", "var.track_delivery ? 1 : 0"])
def test_a_count_gated_destination_adding_delivery_leaves_bounce_and_complaint_decided(
    read_hcl: ReadHcl, count: str
) -> None:
    inv = read_hcl("""
variable "track_delivery" { type = bool }
variable "delivery_destinations" { type = number }
resource "aws_sesv2_configuration_set" "main" { configuration_set_name = "main" }
resource "aws_sesv2_configuration_set_event_destination" "feedback" {
  configuration_set_name = aws_sesv2_configuration_set.main.configuration_set_name
  event_destination_name = "feedback"
  event_destination {
    enabled              = true
    matching_event_types = ["BOUNCE", "COMPLAINT"]
    sns_destination { topic_arn = "arn:aws:sns:eu-west-1:123456789012:t" }
  }
}
resource "aws_sesv2_configuration_set_event_destination" "delivery" {
  count                  = COUNT
  configuration_set_name = aws_sesv2_configuration_set.main.configuration_set_name
  event_destination_name = "delivery"
  event_destination {
    enabled              = true
    matching_event_types = ["DELIVERY"]
    sns_destination { topic_arn = "arn:aws:sns:eu-west-1:123456789012:t" }
  }
}
""".replace("COUNT", count))
    inv = derive(inv)
    covered = props(inv, "aws_sesv2_configuration_set.main")["enabled_event_types"]
    if isinstance(covered, Branches):  # a conditional count: read branch by branch
        assert [value for _, value in covered.options] == [["BOUNCE", "COMPLAINT", "DELIVERY"], ["BOUNCE", "COMPLAINT"]]
    else:  # an unknown number of destinations
        *known, maybe = covered
        assert known == ["BOUNCE", "COMPLAINT"] and is_unknown(maybe) and "count" in maybe.reason
    policies = [p for p in load_policies() if p.id == "SES-CS-001"]
    [row] = evaluate(inv, policies).findings
    assert row.status == "pass"
