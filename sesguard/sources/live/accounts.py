"""Which accounts and regions a scan reads, and the session of each account.

The caller is identified with STS ``GetCallerIdentity`` (it needs no permission). The organization's
ACTIVE accounts come from ``organizations:ListAccounts`` with the caller's own credentials. Other
accounts are read through STS ``AssumeRole`` into ``arn:<partition>:iam::<id>:role/<name>``
(credentials kept only inside the boto3 session, never stored or printed; one hour, enough for
one account). ``regions=["all"]`` reads the SES v2 regions of the partition that EC2
``DescribeRegions`` lists for the account (it lists enabled regions only).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import boto3
from botocore.config import Config

from sesguard.sources.live.errors import AWS_ERRORS, Collected, error_code, error_text
from sesguard.sources.live.paging import pages
from sesguard.sources.live.session import AccountSession, CallCounter

ORG_PAGE: Final = 20
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


def assume_role(
    base: AccountSession,
    caller: Caller,
    account: str,
    role: str,
    *,
    region: str,
    session_name: str,
    profile: str | None,
    counter: CallCounter,
    config: Config,
) -> AccountSession:
    """A session in ``account`` through the role ``role`` (raises the AWS error on failure)."""
    response = base.client("sts", region).assume_role(
        RoleArn=f"arn:{caller.partition}:iam::{account}:role/{role}", RoleSessionName=session_name
    )
    credentials = response["Credentials"]
    session = boto3.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
        region_name=region,
        profile_name=profile,
    )
    return AccountSession(session, account, counter, config)


def ses_regions(session: boto3.Session, partition: str) -> list[str]:
    """Every region of the partition where botocore knows an SES v2 endpoint."""
    return sorted(session.get_available_regions("sesv2", partition_name=partition))


def scan_regions(
    account: AccountSession, requested: list[str], *, home: str, partition: str, out: Collected
) -> list[str]:
    """The regions to read: ``requested``, or for ``["all"]`` the enabled SES v2 regions."""
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
    return [r for r in offered if r in enabled]
