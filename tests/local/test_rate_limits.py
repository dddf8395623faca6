"""The endpoint throttles SES v1 GetIdentityNotificationAttributes at one request per second, as AWS does."""

from __future__ import annotations

import time

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from .conftest import ClientFactory

pytestmark = pytest.mark.live

NO_RETRY = Config(retries={"total_max_attempts": 1, "mode": "standard"})


def test_second_call_within_a_second_is_throttled_per_account_and_region(client: ClientFactory) -> None:
    home = client("ses", "us-east-1", config=NO_RETRY)
    other = client("ses", "eu-west-1", config=NO_RETRY)
    home.verify_email_identity(EmailAddress="a@example.com")
    assert "NotificationAttributes" in home.get_identity_notification_attributes(Identities=["a@example.com"])
    with pytest.raises(ClientError) as caught:
        home.get_identity_notification_attributes(Identities=["a@example.com"])
    assert caught.value.response["Error"]["Code"] == "Throttling"
    other.get_identity_notification_attributes(Identities=["a@example.com"])  # another region: its own rate
    time.sleep(1.05)
    home.get_identity_notification_attributes(Identities=["a@example.com"])
