"""Which accounts and regions a scan reads, and the session of each account.

The caller is identified with STS ``GetCallerIdentity`` (it needs no permission). The organization's
ACTIVE accounts come from ``organizations:ListAccounts`` with the caller's own credentials. The
caller's own account (the management account of an ``--organization`` scan, which has no
``OrganizationAccountAccessRole``) is read with the caller's credentials. Other accounts are read
through STS ``AssumeRole`` into ``arn:<partition>:iam::<id>:role/<name>`` (``ExternalId`` and
``DurationSeconds`` as asked) with botocore ``RefreshableCredentials``: obtained when the account is
entered and refreshed before they expire, however long the scan takes (kept only inside the boto3
session, never stored or printed). ``regions=["all"]`` reads the SES v2 regions of the partition
that EC2 ``DescribeRegions`` lists for the account (it lists enabled regions only).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

import boto3
import botocore
import botocore.session
from botocore.config import Config
from botocore.credentials import CredentialProvider, CredentialResolver, RefreshableCredentials

from sesguard.sources.live.errors import AWS_ERRORS, Collected, error_code, error_text
from sesguard.sources.live.paging import pages
from sesguard.sources.live.session import AccountSession, CallCounter

ORG_PAGE: Final = 20
# botocore's refresh windows (seconds before expiry): advisory, then mandatory.
ADVISORY_REFRESH: Final = 15 * 60
MANDATORY_REFRESH: Final = 10 * 60
DISABLED_OPT_IN: Final = "not-opted-in"


@dataclass(frozen=True)
class Caller:
    """Who runs the scan: account, ARN and partition (``aws``, ``aws-cn``, ``aws-us-gov``)."""

    account: str
    arn: str
    partition: str


def caller_identity(base: AccountSession, region: str) -> Caller:
    """The caller's account and partition."""
    response = base.client("sts", region).get_caller_identity()
    arn = str(response["Arn"])
    return Caller(account=str(response["Account"]), arn=arn, partition=arn.split(":")[1] or "aws")


def organization_accounts(base: AccountSession, region: str) -> list[str]:
    """The IDs of the organization's ACTIVE accounts, sorted."""
    client = base.client("organizations", region)
    found = set()
    for page in pages(client.list_accounts, MaxResults=ORG_PAGE):
        for account in page.get("Accounts", []):
            state = account.get("State") or account.get("Status")
            if state == "ACTIVE" and account.get("Id"):
                found.add(str(account["Id"]))
    return sorted(found)


@dataclass(frozen=True)
class RoleRequest:
    """How to enter member accounts: the role name, session name and duration, the external ID."""

    name: str
    session_name: str = "sesguard"
    duration_seconds: int = 3600
    external_id: str | None = None

    def arn(self, partition: str, account: str) -> str:
        """The role's ARN in ``account`` (partition-aware: aws, aws-cn, aws-us-gov)."""
        return f"arn:{partition}:iam::{account}:role/{self.name}"

    def fix(self, caller: Caller, account: str) -> str:
        """What to do when the role cannot be assumed, in one sentence."""
        external = " with the external ID given by --external-id" if self.external_id else ""
        return (
            f"create the role {self.name} in account {account} with a trust policy that allows "
            f"{caller.arn} (or account {caller.account}){external} and the policy "
            "sesguard/iam-readonly-policy.json, or leave the account out of --accounts"
        )


class RoleCredentials(RefreshableCredentials):  # type: ignore[misc]
    """Assumed-role credentials refreshed before they expire (botocore's refresh logic and locking).

    botocore starts refreshing 15 minutes before expiry (10 minutes: mandatory). For sessions of
    less than an hour those windows are scaled to the session (a quarter and a sixth of it), so a
    15-minute session is not refreshed on every call. The session is the shorter of the duration
    asked for and the lifetime the credentials came with (AWS caps role-chained sessions at one hour
    whatever was asked), measured again at every refresh.
    """

    def __init__(self, *, duration_seconds: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._duration_seconds = duration_seconds
        self._scale_refresh_windows(self._expiry_time)

    def _set_from_data(self, data: dict[str, Any]) -> None:
        super()._set_from_data(data)
        self._scale_refresh_windows(getattr(self, "_staged_expiry_time", None) or self._expiry_time)

    def _scale_refresh_windows(self, expiry: datetime | None) -> None:
        lifetime = float(self._duration_seconds)
        if expiry is not None:
            lifetime = min(lifetime, (expiry - datetime.now(expiry.tzinfo or UTC)).total_seconds())
        lifetime = max(lifetime, 1.0)
        self._advisory_refresh_timeout: float = min(ADVISORY_REFRESH, lifetime / 4)
        self._mandatory_refresh_timeout: float = min(MANDATORY_REFRESH, lifetime / 6)


class _FixedProvider(CredentialProvider):  # type: ignore[misc]
    """A credential provider that always answers with the given credentials."""

    METHOD = "sesguard-assume-role"
    CANONICAL_NAME = "sesguard-assume-role"

    def __init__(self, credentials: RefreshableCredentials) -> None:
        super().__init__()
        self._credentials = credentials

    def load(self) -> RefreshableCredentials:
        return self._credentials


def assume_role(
    base: AccountSession,
    caller: Caller,
    account: str,
    role: RoleRequest,
    *,
    region: str,
    profile: str | None,
    counter: CallCounter,
    config: Config,
) -> AccountSession:
    """A session in ``account`` through ``role``, refreshed as it expires (raises the AWS error on failure)."""
    sts = base.client("sts", region)
    params: dict[str, Any] = {
        "RoleArn": role.arn(caller.partition, account),
        "RoleSessionName": role.session_name,
        "DurationSeconds": role.duration_seconds,
    }
    if role.external_id:
        params["ExternalId"] = role.external_id

    def fetch() -> dict[str, Any]:
        found = sts.assume_role(**params)["Credentials"]
        return {
            "access_key": found["AccessKeyId"],
            "secret_key": found["SecretAccessKey"],
            "token": found["SessionToken"],
            "expiry_time": found["Expiration"].isoformat(),
        }

    first = fetch()
    credentials = RoleCredentials(
        access_key=first["access_key"],
        secret_key=first["secret_key"],
        token=first["token"],
        expiry_time=datetime.fromisoformat(first["expiry_time"]),
        refresh_using=fetch,
        method=_FixedProvider.METHOD,
        duration_seconds=role.duration_seconds,
    )
    core = botocore.session.Session(profile=profile)
    core.register_component("credential_provider", CredentialResolver([_FixedProvider(credentials)]))
    session = boto3.Session(botocore_session=core, region_name=region)
    return AccountSession(session, account, counter, config, base.deadline)


def ses_regions(session: boto3.Session, partition: str) -> list[str]:
    """Every region of the partition where botocore knows an SES v2 endpoint."""
    return sorted(session.get_available_regions("sesv2", partition_name=partition))


def scan_regions(
    account: AccountSession, requested: list[str], *, home: str, partition: str, out: Collected
) -> list[str]:
    """The regions to read: ``requested``, or for ``["all"]`` the enabled regions where SES is offered.

    Where SES is offered comes from the installed botocore's endpoint data, which may predate a
    region: enabled regions it does not list are named in ``notes["regions_not_known"]`` (never
    skipped silently), with how to read them anyway (``--regions``).
    """
    if requested != ["all"]:
        return list(dict.fromkeys(requested))
    offered = ses_regions(account.session, partition)
    try:
        response = account.client("ec2", home).describe_regions()
    except AWS_ERRORS as exc:
        # Fail closed: read every offered region; disabled ones then fail visibly as SourceErrors.
        out.notes.setdefault("region_discovery", {})[account.account] = (
            f"DescribeRegions failed ({error_code(exc)}: {error_text(exc)}); reading every SES v2 region"
        )
        return offered
    enabled = {
        r["RegionName"]
        for r in response.get("Regions", [])
        if r.get("OptInStatus") != DISABLED_OPT_IN and r.get("RegionName")
    }
    unknown = sorted(enabled - set(offered))
    if unknown:
        out.notes.setdefault("regions_not_known", {})[account.account] = (
            f"enabled for the account but botocore {botocore.__version__} lists no SES endpoint there: "
            f"{', '.join(unknown)} (if SES is offered there, upgrade boto3 or name them in --regions)"
        )
    return [r for r in offered if r in enabled]
