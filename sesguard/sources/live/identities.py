"""Email identities of one region: list, details, SNS notification topics and DMARC.

Calls: ``ListEmailIdentities`` (1,000 a page, to the end), one ``GetEmailIdentity`` per identity
(the only call that returns DKIM, MAIL FROM, the default configuration set and every
sending-authorization policy), and v1 ``GetIdentityNotificationAttributes`` for 100 identities a
call, paced at its documented rate (one request per second per account and region). The notification
batches are the longest series of a region (one a second): they start first, right after the listing,
one after another in one task on the scan's paced pool; the details run meanwhile on the item pool.

A listing failure blocks the whole type (a partial list would look complete). A failed
``GetEmailIdentity`` keeps the identity, with what the listing told (type, verification status)
and ``Unknown`` for the rest; a failed notification batch makes those identities' topics Unknown.
"""

from __future__ import annotations

import json
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from typing import Any, Final

from sesguard.model import EMAIL_IDENTITY, Resource, Unknown
from sesguard.model.identity import identity_domain, identity_facts
from sesguard.sources.live.dmarc import DmarcChecker
from sesguard.sources.live.errors import AWS_ERRORS, Collected, attempt
from sesguard.sources.live.pacing import Pacer
from sesguard.sources.live.paging import pages
from sesguard.sources.live.scope import Scope
from sesguard.sources.live.session import Client
from sesguard.sources.live.values import iso, upper

LIST_PAGE: Final = 1000
NOTIFICATION_BATCH: Final = 100
# GetIdentityNotificationAttributes "is throttled at one request per second" (SES API reference). The
# pacer starts each call this long after the previous one *ended*: AWS counts a request when it
# arrives, which is before its answer ends, so arrivals are at least a second apart whatever the
# network's delays (a start-to-start pace cannot promise that: a delayed request followed by a quick
# one arrive closer than they were sent). The 20 ms over the second only absorb clock granularity.
NOTIFICATION_INTERVAL: Final = 1.02

# Properties GetEmailIdentity provides (Unknown when it fails).
DETAIL_PROPS: Final = (
    "dkim_signing_enabled",
    "dkim_status",
    "dkim_origin",
    "dkim_key_length",
    "dkim_next_key_length",
    "dkim_key_generated_at",
    "mail_from_domain",
    "mail_from_status",
    "default_configuration_set",
    "policies",
)


def _dkim_origin(value: Any) -> str | None:
    # Easy DKIM reports AWS_SES, or AWS_SES_<REGION> for keys replicated from another region.
    text = upper(value)
    return "AWS_SES" if text and text.startswith("AWS_SES") else text


def _policies(raw: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for name in sorted(raw):
        try:
            document: Any = json.loads(raw[name])
        except (TypeError, ValueError):
            document = Unknown(f"sending-authorization policy {name} is not valid JSON")
        found.append({"name": name, "document": document})
    return found


def detail_props(response: dict[str, Any]) -> dict[str, Any]:
    """Base properties of an identity from its ``GetEmailIdentity`` response."""
    dkim = response.get("DkimAttributes") or {}
    mail_from = response.get("MailFromAttributes") or {}
    return {
        "verification_status": upper(response.get("VerificationStatus")),
        "dkim_signing_enabled": bool(dkim.get("SigningEnabled", False)),
        "dkim_status": upper(dkim.get("Status")),
        "dkim_origin": _dkim_origin(dkim.get("SigningAttributesOrigin"))
        if dkim.get("SigningAttributesOrigin") or upper(response.get("IdentityType")) != "DOMAIN"
        else Unknown("GetEmailIdentity returned no DkimAttributes.SigningAttributesOrigin for this domain"),
        "dkim_key_length": upper(dkim.get("CurrentSigningKeyLength")),
        "dkim_next_key_length": upper(dkim.get("NextSigningKeyLength")),
        "dkim_key_generated_at": iso(dkim.get("LastKeyGenerationTimestamp")),
        "mail_from_domain": mail_from.get("MailFromDomain") or None,
        "mail_from_status": upper(mail_from.get("MailFromDomainStatus"))
        if mail_from.get("MailFromDomain")
        else None,
        "default_configuration_set": response.get("ConfigurationSetName") or None,
        "policies": _policies(response.get("Policies") or {}),
    }


def topics_of(attributes: dict[str, Any] | None) -> dict[str, str | None]:
    """``notification_topics`` from one identity's v1 notification attributes."""
    attributes = attributes or {}
    return {
        "BOUNCE": attributes.get("BounceTopic") or None,
        "COMPLAINT": attributes.get("ComplaintTopic") or None,
        "DELIVERY": attributes.get("DeliveryTopic") or None,
    }


def _chunks(items: list[str], size: int) -> list[list[str]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def _notification_batches(
    v1: Client, batches: list[list[str]], pacer: Pacer
) -> list[tuple[Any, BaseException | None]]:
    """Every notification batch, one after another at the documented rate (one task, not one per batch)."""
    results = []
    for batch in batches:
        with pacer.turn():
            results.append(attempt(v1.get_identity_notification_attributes, Identities=batch))
    return results


def list_identities(v2: Client, scope: Scope, out: Collected) -> dict[str, dict[str, Any]] | None:
    """Every identity of the scope by name (``ListEmailIdentities`` to the last page); None when the
    listing failed (recorded in ``out``: a partial list would look complete)."""
    try:
        listed = [
            e
            for page in pages(v2.list_email_identities, PageSize=LIST_PAGE)
            for e in page.get("EmailIdentities", [])
        ]
    except AWS_ERRORS as exc:
        out.fail_types(
            exc,
            operation="ListEmailIdentities",
            set_ref=scope.set_ref,
            location=scope.location(),
            affects=(EMAIL_IDENTITY,),
        )
        return None
    return {e["IdentityName"]: e for e in listed if e.get("IdentityName")}


@dataclass
class IdentityReads:
    """The calls of one scope's identities under way: the paced notification batches, the details, DMARC."""

    scope: Scope
    by_name: dict[str, dict[str, Any]]
    batches: list[list[str]]
    notified: Future[list[tuple[Any, BaseException | None]]]
    details: dict[str, Future[tuple[Any, BaseException | None]]]
    policies: dict[str, Future[Any]] | None


def start_identities(
    v2: Client,
    v1: Client,
    scope: Scope,
    by_name: dict[str, dict[str, Any]],
    *,
    pool: Executor,
    paced: Executor,
    pacer: Pacer,
    dmarc: DmarcChecker | None,
) -> IdentityReads:
    """Start reading the listed identities: the notification batches first, on ``paced`` (their documented
    rate makes them the scope's longest series: they must never wait in ``pool``'s queue), then one
    ``GetEmailIdentity`` each and the DMARC look-ups on ``pool``."""
    names = sorted(by_name)
    batches = _chunks(names, NOTIFICATION_BATCH)
    notified = paced.submit(_notification_batches, v1, batches, pacer)
    details = {name: pool.submit(attempt, v2.get_email_identity, EmailIdentity=name) for name in names}
    domains = sorted({identity_domain(n) for n in names})
    policies = {d: pool.submit(dmarc.policy, d) for d in domains} if dmarc else None
    return IdentityReads(scope, by_name, batches, notified, details, policies)


def finish_identities(reads: IdentityReads, out: Collected, *, sandbox: Any) -> None:
    """Wait for the reads started by :func:`start_identities`; the identities go into ``out``."""
    scope = reads.scope
    topics: dict[str, Any] = {}
    for batch, (response, failed) in zip(reads.batches, reads.notified.result(), strict=True):
        if failed is not None:
            reason = out.fail_props(
                failed,
                operation="GetIdentityNotificationAttributes",
                set_name=scope.set_name,
                blocked=f"email_identity.notification_topics ({len(batch)} identities)",
            )
            topics.update(dict.fromkeys(batch, reason))
        else:
            attributes = response.get("NotificationAttributes", {})
            topics.update({name: topics_of(attributes.get(name)) for name in batch})

    policies = reads.policies
    for name in sorted(reads.by_name):
        listed_entry = reads.by_name[name]
        domain = identity_domain(name)
        props = identity_facts(name, upper(listed_entry.get("IdentityType")))
        response, failed = reads.details[name].result()
        if failed is not None:
            reason = out.fail_props(
                failed,
                operation="GetEmailIdentity",
                set_name=scope.set_name,
                blocked=f"email_identity:{name}",
            )
            status = listed_entry.get("VerificationStatus")
            props["verification_status"] = upper(status) if status else reason
            props.update(dict.fromkeys(DETAIL_PROPS, reason))
        else:
            props.update(detail_props(response))
            if response.get("IdentityType"):
                props["identity_type"] = upper(response["IdentityType"])
        props["notification_topics"] = topics[name]
        props["dmarc_checked"] = policies is not None
        props["dmarc_policy"] = policies[domain].result() if policies is not None else None
        props["sandbox"] = sandbox
        out.resources.append(
            Resource(
                type=EMAIL_IDENTITY,
                id=name,
                location=scope.location(scope.ses_arn(f"identity/{name}")),
                set_ref=scope.set_ref,
                props=props,
                native_type="AWS::SES::EmailIdentity",
            )
        )


def read_identities(
    v2: Client,
    v1: Client,
    scope: Scope,
    pool: Executor,
    out: Collected,
    *,
    sandbox: Any,
    dmarc: DmarcChecker | None,
    pacer: Pacer,
) -> None:
    """Read every email identity of the scope into ``out`` (the notification batches also on ``pool``)."""
    by_name = list_identities(v2, scope, out)
    if by_name is None:
        return
    reads = start_identities(v2, v1, scope, by_name, pool=pool, paced=pool, pacer=pacer, dmarc=dmarc)
    finish_identities(reads, out, sandbox=sandbox)
