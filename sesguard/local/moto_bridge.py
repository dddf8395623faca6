"""The one module that reaches into moto's in-process backends (moto 5.2.5)."""

from __future__ import annotations

import datetime as dt
import json
import threading
from dataclasses import dataclass
from typing import Any

from botocore.credentials import Credentials
from moto import __version__ as _moto_version
from moto import settings
from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.iam.access_control import CreateAccessKeyFailure, create_access_key
from moto.iam.aws_managed_policies import aws_managed_policies_data
from moto.iam.models import (
    AccessKeyLastUsed,
    AWSManagedPolicy,
    get_account_id_from,
    iam_backends,
    mark_account_as_visited,
)
from moto.moto_api._internal.models import moto_api_backend
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from moto.ses.models import ConfigurationSet, ses_backends
from moto.sts.models import sts_backends

__all__ = ["DEFAULT_ACCOUNT_ID", "BridgeError", "Caller"]

PARTITION = "aws"


class BridgeError(LookupError):
    """A moto entity the caller named does not exist."""


def moto_version() -> str:
    """The moto version the endpoint runs on."""
    return str(_moto_version)


def moto_wsgi_app() -> Any:
    """moto's server-mode WSGI application (dispatching on the request's service)."""
    return DomainDispatcherApplication(create_backend_app)


def moto_request_handler() -> Any:
    """moto's request handler class for werkzeug servers (keeps underscored headers)."""
    return MotoRequestHandler


# --- process-wide moto settings -----------------------------------------------------------------

# moto keeps every backend and setting in process-wide globals, so one endpoint at a time may serve
# them. This lock is that claim: the one process-wide object of sesguard.local, because moto's own
# state is process-wide (everything else lives on an endpoint's objects).
_SERVING = threading.Lock()


class MotoInUse(RuntimeError):
    """Another endpoint of this process serves moto's state."""


def claim_moto() -> float:
    """Take moto's state for one endpoint and switch moto's own IAM enforcement off (the endpoint
    enforces instead); returns the old setting for :func:`release_moto`."""
    if not _SERVING.acquire(blocking=False):
        raise MotoInUse("a LocalEndpoint already runs in this process (moto state is global)")
    previous = float(settings.INITIAL_NO_AUTH_ACTION_COUNT)
    settings.INITIAL_NO_AUTH_ACTION_COUNT = float("inf")
    return previous


def release_moto(auth_setting: float) -> None:
    """Put moto's own IAM enforcement setting back and let another endpoint serve moto."""
    settings.INITIAL_NO_AUTH_ACTION_COUNT = auth_setting
    _SERVING.release()


def reset_moto() -> None:
    """Reset every moto backend, as ``POST /moto-api/reset`` does."""
    moto_api_backend.reset()


# --- accounts and callers -----------------------------------------------------------------------


def account_for_access_key(access_key: str | None) -> str:
    """The account an access key belongs to (users' keys and assumed-role keys), as moto derives it."""
    if not access_key:
        return DEFAULT_ACCOUNT_ID
    return str(get_account_id_from(access_key))


def mark_key_used(account_id: str, access_key: str | None, service: str, region: str) -> None:
    """Record the key's last use, as moto does for the requests it serves."""
    if access_key:
        mark_account_as_visited(account_id=account_id, access_key=access_key, service=service, region=region)


@dataclass(frozen=True)
class Caller:
    """An authenticated IAM principal: its ARN, its credentials, and its identity-based policies."""

    arn: str
    account_id: str
    credentials: Credentials
    policies: tuple[dict[str, Any], ...]


def caller_for(account_id: str, access_key: str, headers: Any) -> Caller | None:
    """The IAM user or assumed role owning ``access_key``; None if moto knows no such key."""
    try:
        owner = create_access_key(
            account_id=account_id, partition=PARTITION, access_key_id=access_key, headers=headers
        )
    except CreateAccessKeyFailure:
        return None
    documents = tuple(_policy_document(p) for p in owner.collect_policies())
    return Caller(owner.arn, account_id, owner.create_credentials(), documents)


def _policy_document(policy: Any) -> dict[str, Any]:
    """A policy document from what moto's ``collect_policies`` returns (managed, inline or raw)."""
    if isinstance(policy, str):
        text = policy
    elif isinstance(policy, dict):
        text = policy["policy_document"]
    else:
        version = next(v for v in policy.versions if v.is_default)
        text = version.document
    document = json.loads(text) if isinstance(text, str) else text
    assert isinstance(document, dict)
    return document


def role_trust_policy(role_arn: str) -> dict[str, Any] | None:
    """The trust policy of the role ``role_arn`` names, or None if moto has no such role."""
    facts = role_facts(role_arn)
    return facts[0] if facts else None


def role_facts(role_arn: str) -> tuple[dict[str, Any], int] | None:
    """The trust policy and maximum session duration (seconds) of a role, or None if it does not exist."""
    parts = role_arn.split(":")
    if len(parts) < 6 or not parts[4].isdigit():
        return None
    backend = iam_backends[parts[4]][PARTITION]
    for role in backend.roles.values():
        if role.arn == role_arn:
            document = json.loads(role.assume_role_policy_document)
            assert isinstance(document, dict)
            return document, int(role.max_session_duration or 3600)
    return None


def assumed_role_expiration(access_key: str) -> dt.datetime | None:
    """When the assumed-role credentials with this access key expire (UTC), or None if not such a key."""
    account_id = account_for_access_key(access_key)
    for assumed in sts_backends[account_id][PARTITION].assumed_roles:
        if assumed.access_key_id == access_key:
            expiration: dt.datetime = assumed.expiration
            return expiration.replace(tzinfo=dt.UTC) if expiration.tzinfo is None else expiration
    return None


# --- IAM test hooks -----------------------------------------------------------------------------


def _naive_utc(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC)
    return moment.replace(tzinfo=None)


def age_access_key(
    account_id: str,
    user_name: str,
    access_key_id: str | None,
    created: dt.datetime | None,
    last_used: dt.datetime | None,
    last_used_service: str,
    last_used_region: str,
) -> dict[str, Any]:
    """Set a user's access key creation and last-use dates (the user's first key if none named)."""
    backend = iam_backends[account_id][PARTITION]
    user = backend.users.get(user_name)
    if user is None:
        raise BridgeError(f"no IAM user {user_name!r} in account {account_id}")
    keys = [k for k in user.access_keys if access_key_id in (None, k.access_key_id)]
    if not keys:
        raise BridgeError(f"user {user_name!r} has no access key {access_key_id or ''}".rstrip())
    key = keys[0]
    if created is not None:
        key.create_date = _naive_utc(created)
        if user.create_date > key.create_date:
            user.create_date = key.create_date
    if last_used is not None:
        key.last_used = AccessKeyLastUsed(
            timestamp=_naive_utc(last_used), service=last_used_service, region=last_used_region
        )
    return {
        "UserName": user_name,
        "AccessKeyId": key.access_key_id,
        "CreateDate": key.create_date.replace(tzinfo=dt.UTC).isoformat(),
        "LastUsedDate": key.last_used.timestamp.replace(tzinfo=dt.UTC).isoformat() if key.last_used else None,
    }


def credential_report_csv(account_id: str) -> str:
    """The credential report moto would build now for the account (CSV text)."""
    backend = iam_backends[account_id][PARTITION]
    backend.generate_report()
    return str(backend.get_credential_report())


def add_aws_managed_policy(account_id: str, name: str) -> str:
    """Make one AWS managed policy (from moto's bundled copy) exist in an account; return its ARN."""
    backend = iam_backends[account_id][PARTITION]
    data = json.loads(aws_managed_policies_data)
    if name not in data:
        raise BridgeError(f"moto has no AWS managed policy named {name!r}")
    policy = AWSManagedPolicy.from_data(name, account_id, "us-east-1", data[name])
    arn = str(policy.arn)
    if arn not in backend.managed_policies:
        backend.managed_policies[arn] = policy
        backend.aws_managed_policies.append(policy)
    return arn


# --- SES v1 registries --------------------------------------------------------------------------


def _ses(account_id: str, region: str) -> Any:
    return ses_backends[account_id][region]


def identity_names(account_id: str, region: str) -> list[str]:
    """Identities moto's SES backend knows (created through v1 or v2)."""
    return list(_ses(account_id, region).email_identities)


def add_identity(account_id: str, region: str, name: str) -> None:
    """Register an identity with moto's SES backend, so v1 calls see it."""
    _ses(account_id, region).create_email_identity_v2(name, None, None, None)


def remove_identity(account_id: str, region: str, name: str) -> None:
    """Remove an identity from moto's SES backend."""
    _ses(account_id, region).email_identities.pop(name, None)
    _ses(account_id, region).sns_topics.pop(name, None)


def config_set_names(account_id: str, region: str) -> list[str]:
    """Configuration sets moto's SES backend knows."""
    return list(_ses(account_id, region).config_sets)


def add_config_set(account_id: str, region: str, name: str) -> None:
    """Register a configuration set with moto's SES backend, so v1 calls see it."""
    _ses(account_id, region).config_sets[name] = ConfigurationSet(configuration_set_name=name)


def remove_config_set(account_id: str, region: str, name: str) -> None:
    """Remove a configuration set from moto's SES backend."""
    backend = _ses(account_id, region)
    backend.config_sets.pop(name, None)
    backend.config_set_event_destination.pop(name, None)


def tags(account_id: str, region: str, arn: str) -> list[dict[str, str]]:
    """The tags moto's SES tagger holds for ``arn`` (TagResource goes to moto)."""
    found = _ses(account_id, region).tagger.list_tags_for_resource(arn)
    return [{"Key": t["Key"], "Value": t["Value"]} for t in found.get("Tags", [])]


def tag(account_id: str, region: str, arn: str, new_tags: list[dict[str, str]]) -> None:
    """Tag ``arn`` in moto's SES tagger."""
    if new_tags:
        _ses(account_id, region).tagger.tag_resource(arn, new_tags)


def untag_all(account_id: str, region: str, arn: str) -> None:
    """Drop every tag of ``arn``."""
    _ses(account_id, region).tagger.delete_all_tags_for_resource(arn)


def sent_count(account_id: str, region: str) -> int:
    """Recipients moto counted as sent in this account and region."""
    return int(_ses(account_id, region).sent_message_count)


def mirror_notification_topics(account_id: str, region: str, identity: str, topics: dict[str, str]) -> None:
    """Keep moto's identity topics in step, so moto's mail simulator publishes feedback to them."""
    _ses(account_id, region).sns_topics[identity] = dict(topics)


def warm_backends(services: tuple[str, ...]) -> None:
    """Load moto's backends for ``services`` now (moto imports each lazily, on its first request)."""
    from moto.backends import get_backend

    for service in services:
        get_backend(service)  # type: ignore[call-overload]
