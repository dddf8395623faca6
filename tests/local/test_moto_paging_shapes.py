"""moto's answers are checked against botocore's shapes too, and IAM pages at the MaxItems asked for."""

from __future__ import annotations

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from sesguard.local.moto_shapes import moto_output_errors
from sesguard.local.routing import RequestInfo
from sesguard.local.wire import Protocol

from .conftest import ClientFactory

pytestmark = pytest.mark.live


def test_a_moto_answer_missing_required_members_is_reported() -> None:
    info = RequestInfo("iam", "GetUser", Protocol.QUERY, "us-east-1", "AKIA", "iam")
    body = (
        b'<GetUserResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><GetUserResult>'
        b"<User><UserName>smtp</UserName></User></GetUserResult></GetUserResponse>"
    )
    errors = moto_output_errors(info, 200, {"Content-Type": "text/xml"}, body)
    assert errors is not None
    assert {e.split(":")[0] for e in errors} >= {"$.User.Arn", "$.User.UserId", "$.User.CreateDate"}
    assert moto_output_errors(info, 200, {}, b"<html>oops</html>")  # unparseable: reported
    assert moto_output_errors(info, 400, {}, b"") is None  # errors are not output shapes


def test_authorization_details_are_paged_at_max_items(client: ClientFactory) -> None:
    iam = client("iam", config=Config(retries={"total_max_attempts": 1, "mode": "standard"}))
    for i in range(5):
        iam.create_user(UserName=f"user-{i}")
    iam.create_group(GroupName="senders")
    seen: list[str] = []
    pages = 0
    marker = None
    while True:
        page = iam.get_account_authorization_details(MaxItems=2, **({"Marker": marker} if marker else {}))
        pages += 1
        items = [u["UserName"] for u in page.get("UserDetailList", [])]
        items += [g["GroupName"] for g in page.get("GroupDetailList", [])]
        assert len(items) <= 2
        seen += items
        if not page["IsTruncated"]:
            break
        marker = page["Marker"]
    assert pages == 3 and sorted(seen) == sorted([f"user-{i}" for i in range(5)] + ["senders"])
    default = iam.get_account_authorization_details()
    assert not default["IsTruncated"]  # 6 items: one default page (100)
    with pytest.raises(ClientError) as caught:
        iam.get_account_authorization_details(Marker="not-a-marker")
    assert caught.value.response["Error"]["Code"] == "ValidationError"
