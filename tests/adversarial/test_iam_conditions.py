"""IAM conditions judged by what they match, not how they are spelled (each case was a false pass)."""

from __future__ import annotations

from pathlib import Path

from .harness import FIXTURES, run_checks, statuses


def test_conditions_are_judged_by_what_they_match(tmp_path: Path) -> None:
    run = run_checks(
        tmp_path, "--templates", str(FIXTURES / "cfn_condition_coverage"), "-k", "SES-IAM-002 or SES-IAM-003"
    )
    network = statuses(run, "SES-IAM-003")
    scope = statuses(run, "SES-IAM-002")
    # ranges covering all of IPv4 (or IPv6) are "any network", in an Allow and in a Deny alike
    assert network["SES-IAM-003::HalvesOfIpv4"] == "fail"
    assert network["SES-IAM-003::DenyOutsideEverything"] == "fail"
    # "identity/**" and FromAddress "**", "*?*", "*@*.*" match every sender
    assert scope["SES-IAM-002::DoubleStarIdentity"] == "fail"
    assert scope["SES-IAM-002::AnyFromAddress"] == "fail"
    # the control: real ranges and a real domain restrict
    assert network["SES-IAM-003::Restricted"] == "pass"
    assert scope["SES-IAM-002::Restricted"] == "pass"
