"""SES v2 account operations round-trip through boto3."""

from __future__ import annotations

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from sesguard.local import AdminError, LocalEndpoint

from .conftest import ClientFactory

pytestmark = pytest.mark.live


def test_get_account_defaults_to_a_healthy_sandbox(client: ClientFactory) -> None:
    account = client("sesv2").get_account()
    assert account["EnforcementStatus"] == "HEALTHY"
    assert account["SendingEnabled"] is True
    assert account["ProductionAccessEnabled"] is False
    assert account["SendQuota"]["Max24HourSend"] == 200.0
    assert account["SuppressionAttributes"]["SuppressedReasons"] == ["BOUNCE", "COMPLAINT"]
    assert "VdmAttributes" not in account


def test_suppression_vdm_and_sending_attributes_round_trip(client: ClientFactory) -> None:
    sesv2 = client("sesv2")
    sesv2.put_account_suppression_attributes(SuppressedReasons=["BOUNCE"])
    sesv2.put_account_vdm_attributes(VdmAttributes={"VdmEnabled": "ENABLED"})
    sesv2.put_account_sending_attributes(SendingEnabled=False)
    account = sesv2.get_account()
    assert account["SuppressionAttributes"]["SuppressedReasons"] == ["BOUNCE"]
    assert account["VdmAttributes"] == {"VdmEnabled": "ENABLED"}
    assert account["SendingEnabled"] is False


def test_account_details_grant_production_access(client: ClientFactory) -> None:
    sesv2 = client("sesv2")
    sesv2.put_account_details(
        MailType="TRANSACTIONAL", WebsiteURL="https://example.com", ProductionAccessEnabled=True
    )
    account = sesv2.get_account()
    assert account["ProductionAccessEnabled"] is True
    assert account["Details"]["MailType"] == "TRANSACTIONAL"
    assert account["Details"]["ReviewDetails"]["Status"] == "GRANTED"
    assert account["SendQuota"]["Max24HourSend"] == 50000.0


def test_account_settings_are_per_region(client: ClientFactory) -> None:
    client("sesv2", "eu-west-1").put_account_suppression_attributes(SuppressedReasons=[])
    assert client("sesv2", "eu-west-1").get_account()["SuppressionAttributes"]["SuppressedReasons"] == []
    assert client("sesv2").get_account()["SuppressionAttributes"]["SuppressedReasons"] == [
        "BOUNCE",
        "COMPLAINT",
    ]


@pytest.mark.parametrize("status", ["PROBATION", "SHUTDOWN", "HEALTHY"])
def test_admin_sets_enforcement_status(ep: LocalEndpoint, client: ClientFactory, status: str) -> None:
    ep.set_enforcement_status(status, region="eu-west-1")
    assert client("sesv2", "eu-west-1").get_account()["EnforcementStatus"] == status
    assert client("sesv2").get_account()["EnforcementStatus"] == "HEALTHY"


def test_admin_rejects_an_unknown_enforcement_status(ep: LocalEndpoint) -> None:
    with pytest.raises(AdminError) as caught:
        ep.set_enforcement_status("SUSPENDED")
    assert caught.value.status == 400


def test_put_account_details_needs_a_website(client: ClientFactory) -> None:
    unchecked = client("sesv2", config=Config(parameter_validation=False))
    with pytest.raises(ClientError) as caught:
        unchecked.put_account_details(MailType="MARKETING", WebsiteURL="")
    assert caught.value.response["Error"]["Code"] == "BadRequestException"
