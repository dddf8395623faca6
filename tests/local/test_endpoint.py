"""The endpoint as a whole: lifecycle, resets, admin basics."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from sesguard.local import AdminError, EndpointError, LocalEndpoint

from .conftest import ClientFactory

pytestmark = pytest.mark.live

OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _post(url: str, body: bytes = b"") -> bytes:
    with OPENER.open(urllib.request.Request(url, data=body, method="POST")) as answer:
        return bytes(answer.read())


def test_health_url_and_env(ep: LocalEndpoint) -> None:
    assert ep.health() == {"status": "ok", "moto": "5.2.5"}
    assert ep.url.startswith("http://127.0.0.1:")
    env = ep.env("eu-west-1")
    assert env["AWS_ENDPOINT_URL"] == ep.url and env["AWS_DEFAULT_REGION"] == "eu-west-1"


def test_one_endpoint_per_process(ep: LocalEndpoint) -> None:
    with pytest.raises(EndpointError, match="already runs in this process"):
        LocalEndpoint().start()
    with pytest.raises(EndpointError, match="already running"):
        ep.start()
    with pytest.raises(EndpointError):
        _ = LocalEndpoint().url
    with pytest.raises(EndpointError):
        LocalEndpoint().client("sesv2")


def test_moto_api_reset_clears_the_ses_store_too(ep: LocalEndpoint, client: ClientFactory) -> None:
    client("sesv2").create_email_identity(EmailIdentity="example.com")
    ep.set_enforcement_status("PROBATION")
    _post(f"{ep.url}/moto-api/reset")
    assert client("sesv2").list_email_identities()["EmailIdentities"] == []
    assert client("sesv2").get_account()["EnforcementStatus"] == "HEALTHY"


def test_admin_reset_and_state(ep: LocalEndpoint, client: ClientFactory) -> None:
    client("sesv2").create_configuration_set(ConfigurationSetName="cs")
    state = ep.ses_state()
    assert list(state["configuration_sets"]) == ["cs"]
    ep.reset_all()
    assert ep.ses_state()["configuration_sets"] == {}


def test_admin_errors(ep: LocalEndpoint) -> None:
    with pytest.raises(urllib.error.HTTPError) as unknown:
        _post(f"{ep.url}/_sesguard/nothing-here")
    assert unknown.value.code == 404
    with pytest.raises(AdminError) as missing:
        ep.verify_identity("missing.example.com")
    assert missing.value.status == 404
    with pytest.raises(urllib.error.HTTPError) as bad:
        _post(f"{ep.url}/moto-api/reset-auth", b"soon")
    assert bad.value.code == 400
    assert json.loads(_post(f"{ep.url}/_sesguard/auth", b'{"enforce": false}'))["enforcing"] is False
