"""IAM principals of one account (users, groups, roles), read once per account, not per region.

``GetAccountAuthorizationDetails`` (1,000 items a page, to the end) returns every principal with
its inline policies, attached managed policies and group memberships, and the documents of the
managed policies in use (default versions). Access keys and console passwords come from
:mod:`sesguard.sources.live.keys`.

IAM is global: principals are emitted once per account, in the account's own set ``<account>``
(``location.region`` None). A failure to read the authorization details blocks ``iam_principal``
there.
"""

from __future__ import annotations

from concurrent.futures import Executor
from datetime import datetime
from typing import Any, Final

from sesguard.derive import derive, parse_time
from sesguard.model import IAM_PRINCIPAL, Inventory, Resource, Unknown
from sesguard.sources.live.errors import AWS_ERRORS, Collected
from sesguard.sources.live.keys import (
    Credentials,
    ReportUnavailable,
    credential_report,
    from_api,
    from_report,
)
from sesguard.sources.live.paging import pages
from sesguard.sources.live.scope import Scope
from sesguard.sources.live.session import Client
from sesguard.sources.live.values import policy_document

PAGE: Final = 1000
FILTER: Final = ["User", "Group", "Role", "LocalManagedPolicy", "AWSManagedPolicy"]


def managed_documents(policies: list[dict[str, Any]]) -> dict[str, Any]:
    """Default-version documents of managed policies, by ARN."""
    found: dict[str, Any] = {}
    for policy in policies:
        arn = policy.get("Arn")
        for version in policy.get("PolicyVersionList", []):
            if version.get("IsDefaultVersion") and arn:
                found[arn] = policy_document(version.get("Document"), f"managed policy {arn}")
    return found


def _documents(entity: dict[str, Any], inline_key: str, managed: dict[str, Any]) -> list[dict[str, Any]]:
    docs = [
        {
            "origin": f"inline:{p.get('PolicyName')}",
            "document": policy_document(p.get("PolicyDocument"), str(p.get("PolicyName"))),
        }
        for p in sorted(entity.get(inline_key, []), key=lambda p: str(p.get("PolicyName")))
    ]
    for attached in sorted(entity.get("AttachedManagedPolicies", []), key=lambda p: str(p.get("PolicyArn"))):
        arn = str(attached.get("PolicyArn"))
        document = managed.get(arn)
        if document is None:
            document = Unknown(
                f"managed policy {arn}: document not returned by GetAccountAuthorizationDetails"
            )
        docs.append({"origin": f"managed:{arn}", "document": document})
    return docs


def _names(entity: dict[str, Any]) -> list[str]:
    return [str(p.get("PolicyName")) for p in entity.get("AttachedManagedPolicies", [])]


def _principal(
    scope: Scope, kind: str, entity: dict[str, Any], name_key: str, props: dict[str, Any]
) -> Resource:
    name = str(entity.get(name_key))
    return Resource(
        type=IAM_PRINCIPAL,
        id=f"{kind}/{name}",
        location=scope.location(entity.get("Arn")),
        set_ref=scope.set_ref,
        props={"principal_type": kind, "name": name, **props},
        native_type=f"AWS::IAM::{kind.capitalize()}",
    )


def _sending_users(principals: list[Resource]) -> set[str]:
    """Users that may send mail (effective send permission true or unknown), as derive decides it."""
    derived = derive(Inventory(resources=principals))
    return {
        str(p.props["name"])
        for p in derived.resources
        if p.props.get("principal_type") == "user" and p.props.get("is_sending") is not False
    }


def _report_age(generated_at: str | None, now: datetime) -> str:
    moment = parse_time(generated_at)
    if moment is None:
        return "credential report of unknown age"
    hours = max(0.0, (now - moment).total_seconds() / 3600)
    return f"credential report, {hours:.1f} h old"


def _user_credentials(
    iam: Client,
    users: list[str],
    direct: set[str],
    scope: Scope,
    pool: Executor,
    out: Collected,
    *,
    report_wait: float,
    now: datetime,
) -> dict[str, Credentials]:
    """Key facts per user: read directly for ``direct`` users and users the report lacks, else the report."""
    found: dict[str, Credentials] = {}
    if not users:
        return found
    notes = out.notes.setdefault("credential_report", {})
    try:
        rows, generated_at = credential_report(iam, report_wait)
        notes[scope.account] = {"generated_at": generated_at, "source": _report_age(generated_at, now)}
    except ReportUnavailable as exc:
        rows, generated_at = {}, None
        notes[scope.account] = {"unavailable": exc.code}
    read_directly = [u for u in users if u in direct or u not in rows]
    if read_directly:
        out.notes.setdefault("key_facts_read_directly", {})[scope.account] = read_directly
    label = _report_age(generated_at, now)
    found.update({u: from_report(rows[u], label) for u in users if u not in read_directly})

    def read(user: str) -> tuple[Credentials, Collected]:
        local = Collected()
        return from_api(iam, user, scope.set_name, local), local

    futures = {u: pool.submit(read, u) for u in read_directly}
    for user, future in futures.items():
        credentials, local = future.result()
        out.merge(local)
        found[user] = credentials
    return found


def read_iam(
    iam: Client, scope: Scope, pool: Executor, out: Collected, *, report_wait: float, now: datetime
) -> None:
    """Read the account's principals into ``out`` (``scope`` is the account-wide one).

    Key facts of sending users (the principals the SES-IAM policies are about) are read directly
    (``ListAccessKeys``, ``GetAccessKeyLastUsed``, ``GetLoginProfile``): the credential report may be
    up to four hours old. Every other user's come from the report, and its keys say so and how old
    it is (``access_key_1 (credential report, 2.5 h old)``).
    """
    users: list[dict[str, Any]] = []
    groups: list[dict[str, Any]] = []
    roles: list[dict[str, Any]] = []
    policies: list[dict[str, Any]] = []
    try:
        for page in pages(
            iam.get_account_authorization_details, token="Marker", Filter=FILTER, MaxItems=PAGE
        ):
            users.extend(page.get("UserDetailList", []))
            groups.extend(page.get("GroupDetailList", []))
            roles.extend(page.get("RoleDetailList", []))
            policies.extend(page.get("Policies", []))
    except AWS_ERRORS as exc:
        out.fail_types(
            exc,
            operation="GetAccountAuthorizationDetails",
            set_ref=scope.set_ref,
            location=scope.location(),
            affects=(IAM_PRINCIPAL,),
        )
        return
    managed = managed_documents(policies)
    group_policy_names = {str(g.get("GroupName")): _names(g) for g in groups}
    principals: list[Resource] = []
    for user in users:
        member_of = sorted(str(g) for g in user.get("GroupList", []))
        attached = set(_names(user))
        for group in member_of:
            attached.update(group_policy_names.get(group, []))
        props = {
            "policy_documents": _documents(user, "UserPolicyList", managed),
            "groups": member_of,
            "attached_policy_names": sorted(attached),
        }
        principals.append(_principal(scope, "user", user, "UserName", props))
    for kind, entities, name_key, inline_key in (
        ("group", groups, "GroupName", "GroupPolicyList"),
        ("role", roles, "RoleName", "RolePolicyList"),
    ):
        for entity in entities:
            props = {
                "policy_documents": _documents(entity, inline_key, managed),
                "groups": [],
                "attached_policy_names": sorted(_names(entity)),
                "access_keys": [],
                "console_password": False,
            }
            principals.append(_principal(scope, kind, entity, name_key, props))
    names = [str(u.get("UserName")) for u in users]
    credentials = _user_credentials(
        iam, names, _sending_users(principals), scope, pool, out, report_wait=report_wait, now=now
    )
    for principal in principals:
        if principal.props["principal_type"] == "user":
            creds = credentials[str(principal.props["name"])]
            principal.props["access_keys"] = creds.access_keys
            principal.props["console_password"] = creds.console_password
    out.resources.extend(principals)
