"""The local endpoint serves no secret material: moto's inspection routes are closed."""

from __future__ import annotations

import urllib.error
import urllib.request
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from sesguard.local import LocalEndpoint

pytestmark = pytest.mark.live


@pytest.mark.parametrize(
    "route", ["/moto-api/data.json", "/moto-api/", "/moto-api/state-manager/get-transition", "/moto-api/seed"]
)
def test_moto_inspection_routes_are_not_served(endpoint_server: LocalEndpoint, route: str) -> None:
    iam = endpoint_server.client("iam")
    iam.create_user(UserName="adversarial-secret-holder")
    secret = iam.create_access_key(UserName="adversarial-secret-holder")["AccessKey"]["SecretAccessKey"]
    try:
        with pytest.raises(urllib.error.HTTPError) as answer:
            urllib.request.urlopen(f"{endpoint_server.url}{route}", timeout=10)
        assert answer.value.code == 404
        assert secret.encode() not in answer.value.read()
    finally:
        for key in iam.list_access_keys(UserName="adversarial-secret-holder")["AccessKeyMetadata"]:
            iam.delete_access_key(UserName="adversarial-secret-holder", AccessKeyId=key["AccessKeyId"])
        iam.delete_user(UserName="adversarial-secret-holder")
