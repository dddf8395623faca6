"""A Python client for the endpoint's ``/_sesguard/`` admin hooks (JSON over HTTP)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

DEFAULT_ACCOUNT_ID = "123456789012"
DEFAULT_REGION = "us-east-1"


class AdminError(RuntimeError):
    """The endpoint refused an admin request."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"HTTP {status}: {message}")
        self.status = status


class AdminClient:
    """Calls the admin hooks of an endpoint at ``url`` (works for in-process and separate servers)."""

    def __init__(self, url: str) -> None:
        self._base_url = url.rstrip("/")

    @property
    def url(self) -> str:
        """The endpoint's base URL."""
        return self._base_url

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        data = json.dumps({k: v for k, v in (body or {}).items() if v is not None}).encode()
        request = urllib.request.Request(
            f"{self.url}/_sesguard{path}",
            data=data if method != "GET" else None,
            method=method,
            headers={"Content-Type": "application/json"},
        )
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        try:
            with opener.open(request, timeout=10) as response:
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            payload = json.loads(error.read() or b"{}")
            raise AdminError(error.code, str(payload.get("error", payload))) from None

    # --- whole endpoint -------------------------------------------------------------------------

    def health(self) -> dict[str, Any]:
        """``{"status": "ok", "moto": version}``."""
        result: dict[str, Any] = self._call("GET", "/health")
        return result

    def reset_all(self) -> None:
        """Reset moto, the SES state, fault rules and IAM enforcement."""
        self._call("POST", "/reset")

    def enforce_iam(self, enabled: bool = True) -> None:
        """Turn IAM enforcement (signature and policy checks on every AWS request) on or off."""
        self._call("POST", "/auth", {"enforce": enabled})

    def validation_failures(self) -> list[str]:
        """Responses of the endpoint that did not match botocore's output shapes."""
        result: list[str] = self._call("GET", "/validation-failures")
        return result

    # --- SES ------------------------------------------------------------------------------------

    def set_account(
        self,
        *,
        enforcement_status: str | None = None,
        sending_enabled: bool | None = None,
        production_access_enabled: bool | None = None,
        region: str = DEFAULT_REGION,
        account_id: str = DEFAULT_ACCOUNT_ID,
    ) -> dict[str, Any]:
        """Set account-level SES facts AWS offers no API for (or that need a review)."""
        result: dict[str, Any] = self._call(
            "POST",
            "/ses/account",
            {
                "enforcement_status": enforcement_status,
                "sending_enabled": sending_enabled,
                "production_access_enabled": production_access_enabled,
                "region": region,
                "account_id": account_id,
            },
        )
        return result

    def set_enforcement_status(
        self, status: str, *, region: str = DEFAULT_REGION, account_id: str = DEFAULT_ACCOUNT_ID
    ) -> None:
        """Set ``GetAccount.EnforcementStatus`` (HEALTHY, PROBATION, SHUTDOWN)."""
        self.set_account(enforcement_status=status, region=region, account_id=account_id)

    def set_identity_status(
        self,
        identity: str,
        *,
        verification_status: str | None = None,
        dkim_status: str | None = None,
        mail_from_status: str | None = None,
        dkim_key_generated_days_ago: float | None = None,
        current_signing_key_length: str | None = None,
        next_signing_key_length: str | None = None,
        region: str = DEFAULT_REGION,
        account_id: str = DEFAULT_ACCOUNT_ID,
    ) -> dict[str, Any]:
        """Set an identity's verification, DKIM or MAIL FROM status, or its DKIM key facts."""
        result: dict[str, Any] = self._call(
            "POST",
            "/ses/identity",
            {
                "identity": identity,
                "verification_status": verification_status,
                "dkim_status": dkim_status,
                "mail_from_status": mail_from_status,
                "dkim_key_generated_days_ago": dkim_key_generated_days_ago,
                "current_signing_key_length": current_signing_key_length,
                "next_signing_key_length": next_signing_key_length,
                "region": region,
                "account_id": account_id,
            },
        )
        return result

    def verify_identity(
        self, identity: str, *, region: str = DEFAULT_REGION, account_id: str = DEFAULT_ACCOUNT_ID
    ) -> dict[str, Any]:
        """Pretend the DNS records were published: verification, DKIM and MAIL FROM succeed."""
        result: dict[str, Any] = self._call(
            "POST", "/ses/identity/verify", {"identity": identity, "region": region, "account_id": account_id}
        )
        return result

    def ses_state(
        self, *, region: str = DEFAULT_REGION, account_id: str = DEFAULT_ACCOUNT_ID
    ) -> dict[str, Any]:
        """The endpoint's SES state for one account and region (for debugging)."""
        result: dict[str, Any] = self._call("GET", f"/ses/state?account_id={account_id}&region={region}")
        return result

    def load_vdm_metrics(
        self,
        records: list[dict[str, Any]],
        *,
        region: str = DEFAULT_REGION,
        account_id: str = DEFAULT_ACCOUNT_ID,
    ) -> dict[str, Any]:
        """Add VDM daily counts (``day``, ``metric``, ``count`` and dimension values) to a region."""
        return self._load("/ses/vdm-metrics", {"records": records}, region, account_id)

    def load_suppressed(
        self,
        entries: list[dict[str, Any]],
        *,
        region: str = DEFAULT_REGION,
        account_id: str = DEFAULT_ACCOUNT_ID,
    ) -> dict[str, Any]:
        """Put addresses on a region's suppression list with the time they were added."""
        return self._load("/ses/suppressed", {"entries": entries}, region, account_id)

    def _load(self, path: str, body: dict[str, Any], region: str, account_id: str) -> dict[str, Any]:
        result: dict[str, Any] = self._call(
            "POST", path, {**body, "region": region, "account_id": account_id}
        )
        return result

    # --- IAM ------------------------------------------------------------------------------------

    def age_access_key(
        self,
        user_name: str,
        *,
        access_key_id: str | None = None,
        created_days_ago: float | None = None,
        last_used_days_ago: float | None = None,
        last_used_service: str = "ses",
        last_used_region: str = DEFAULT_REGION,
        account_id: str = DEFAULT_ACCOUNT_ID,
    ) -> dict[str, Any]:
        """Back-date an access key's creation and last use (the user's first key if none named)."""
        result: dict[str, Any] = self._call(
            "POST",
            "/iam/access-key",
            {
                "user_name": user_name,
                "access_key_id": access_key_id,
                "created_days_ago": created_days_ago,
                "last_used_days_ago": last_used_days_ago,
                "last_used_service": last_used_service,
                "last_used_region": last_used_region,
                "account_id": account_id,
            },
        )
        return result

    def age_credential_report(self, hours: float, *, account_id: str = DEFAULT_ACCOUNT_ID) -> dict[str, Any]:
        """Make the account's credential report ``hours`` older (AWS reuses a report for 4 hours)."""
        result: dict[str, Any] = self._call(
            "POST", "/iam/credential-report", {"age_hours": hours, "account_id": account_id}
        )
        return result

    def add_aws_managed_policy(self, name: str, *, account_id: str = DEFAULT_ACCOUNT_ID) -> str:
        """Make an AWS managed policy (e.g. AWSCompromisedKeyQuarantineV2) exist; return its ARN."""
        result = self._call("POST", "/iam/aws-managed-policy", {"name": name, "account_id": account_id})
        return str(result["Arn"])

    # --- STS ------------------------------------------------------------------------------------

    def set_credential_lifetime(self, seconds: int | None) -> None:
        """Make the credentials of later ``AssumeRole`` calls expire after ``seconds`` (None: as asked)."""
        self._call("POST", "/sts/credential-lifetime", {"seconds": seconds} if seconds is not None else {})

    def set_regions_without_ses(self, regions: list[str] | None) -> list[str]:
        """Make SES (v1 and v2) unreachable in ``regions``, as where AWS offers no SES (None: botocore's
        data, the default); returns the previous list."""
        result = self._call("POST", "/ses/regions-without-ses", {"regions": regions})
        return list(result["previous"])

    # --- faults ---------------------------------------------------------------------------------

    def inject_fault(
        self,
        service: str,
        operation: str,
        *,
        kind: str | None = None,
        code: str | None = None,
        status: int | None = None,
        count: int | None = None,
        message: str | None = None,
        account_id: str | None = None,
        region: str | None = None,
    ) -> dict[str, Any]:
        """Answer ``service`` (botocore client name) ``operation`` (or ``*``) with an error.

        ``kind`` is one of access-denied, throttling, internal, opt-in-required (the code then
        follows the service's protocol), or give ``code`` and ``status``. ``count`` None = always.
        """
        result: dict[str, Any] = self._call(
            "POST",
            "/faults",
            {
                "service": service,
                "operation": operation,
                "kind": kind,
                "code": code,
                "status": status,
                "count": count,
                "message": message,
                "account_id": account_id,
                "region": region,
            },
        )
        return result

    def faults(self) -> list[dict[str, Any]]:
        """The fault rules and how often each fired."""
        result: list[dict[str, Any]] = self._call("GET", "/faults")
        return result

    def clear_faults(self) -> None:
        """Remove every fault rule."""
        self._call("DELETE", "/faults")
