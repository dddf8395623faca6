"""``sesguard investigate`` under IAM enforcement: its policy is exactly the calls it makes, and each action is needed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import botocore.client
import pytest

from sesguard.investigate.cli import run_demo
from sesguard.investigate.policy import actions, for_archive
from sesguard.investigate.render import load

pytestmark = pytest.mark.live
IAM_ACTION = {
    ("sesv2", name): f"ses:{name}"
    for name in ("GetAccount", "ListEmailIdentities", "ListConfigurationSets", "BatchGetMetricData", "ListSuppressedDestinations")
} | {("s3", "ListObjectsV2"): "s3:ListBucket", ("s3", "GetObject"): "s3:GetObject"}  # fmt: skip


@pytest.fixture(scope="module")
def demo(endpoint_server: Any) -> Iterator[tuple[Any, Any]]:
    from sesguard.local.demo import build_demo

    endpoint_server.reset()
    info = build_demo(endpoint_server.url)
    s3 = endpoint_server.client("s3", "eu-west-1")
    s3.put_object(Bucket="shop-ses-events", Key="private/secret.json", Body=b"{}")
    yield endpoint_server, info
    endpoint_server.enforce_iam(False)


def _user(endpoint: Any, name: str, policy: dict[str, Any]) -> tuple[str, str]:
    iam = endpoint.client("iam")
    iam.create_user(UserName=name)
    iam.put_user_policy(UserName=name, PolicyName="investigate", PolicyDocument=json.dumps(policy))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return key["AccessKeyId"], key["SecretAccessKey"]


def _investigate(endpoint: Any, keys: tuple[str, str], events: str, report_dir: Path) -> dict[str, Any]:
    endpoint.enforce_iam(True)
    try:
        assert run_demo(endpoint.url, *keys, "eu-west-1", events, str(report_dir)) == 0
    finally:
        endpoint.enforce_iam(False)
    return load(report_dir)[0]


def test_calls_are_exactly_the_policy_actions(
    demo: tuple[Any, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    endpoint, info = demo
    events = info.incident.events_url
    policy = for_archive(events)
    keys = _user(endpoint, "investigator", policy)
    calls: set[str] = set()
    original = botocore.client.BaseClient._make_api_call

    def record(self: Any, operation_name: str, api_params: Any) -> Any:
        service = self.meta.service_model.service_name
        if service != "sts":  # GetCallerIdentity needs no permission
            calls.add(IAM_ACTION.get((service, operation_name), f"{service}:{operation_name}"))
        return original(self, operation_name, api_params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", record)
    result = _investigate(endpoint, keys, events, tmp_path)
    assert calls == actions(policy)
    sources = result["sources"]
    assert sources["vdm"]["status"] == "ok" and sources["suppression"]["status"] == "ok"
    assert sources["archive"]["problems"] == [] and sources["archive"]["records"] == info.incident.records
    assert result["causes"][0]["kind"] == "list_import"


def test_outside_the_named_prefix_is_denied_and_reported(demo: tuple[Any, Any], tmp_path: Path) -> None:
    endpoint, info = demo
    keys = _user(endpoint, "prefix-bound", for_archive(info.incident.events_url))
    result = _investigate(endpoint, keys, "s3://shop-ses-events/private/", tmp_path)
    problems = result["sources"]["archive"]["problems"]
    assert len(problems) == 1 and "ListObjectsV2: AccessDenied" in problems[0]
    assert any("could not be read in full" in m for m in result["missing"])
    assert result["sources"]["vdm"]["status"] == "ok"  # the other sources are still read


@pytest.mark.parametrize(
    ("action", "effect"),
    [
        ("ses:GetAccount", ("vdm", "notes", "GetAccount: AccessDenied")),
        ("ses:ListEmailIdentities", ("vdm", "reason", "listing identities and configuration sets failed")),
        ("ses:ListConfigurationSets", ("vdm", "reason", "listing identities and configuration sets failed")),
        ("ses:BatchGetMetricData", ("vdm", "reason", "BatchGetMetricData failed: AccessDenied")),
        ("ses:ListSuppressedDestinations", ("suppression", "reason", "ListSuppressedDestinations failed")),
        ("s3:ListBucket", ("archive", "problems", "ListObjectsV2: AccessDenied")),
        ("s3:GetObject", ("archive", "problems", "GetObject: AccessDenied")),
    ],
)
def test_every_action_is_needed(
    demo: tuple[Any, Any], tmp_path: Path, action: str, effect: tuple[str, str, str]
) -> None:
    endpoint, info = demo
    policy = for_archive(info.incident.events_url)
    for statement in policy["Statement"]:
        listed = [statement["Action"]] if isinstance(statement["Action"], str) else statement["Action"]
        statement["Action"] = [a for a in listed if a != action] or ["ses:GetDedicatedIpPool"]
    keys = _user(endpoint, f"without-{action.replace(':', '-')}", policy)
    result = _investigate(endpoint, keys, info.incident.events_url, tmp_path)
    source, field, text = effect
    value = result["sources"][source][field]
    assert text in (" ".join(value) if isinstance(value, list) else str(value))
