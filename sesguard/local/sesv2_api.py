"""SES v2 operations moto lacks or gets wrong, served from the endpoint's store."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import re
from collections.abc import Callable
from typing import Any, Final

from . import moto_bridge, sesv2_deliverability
from .errors import ApiError, already_exists, bad_request, not_found
from .store import PRODUCTION_QUOTA, SANDBOX_QUOTA, ConfigSet, Identity, MailFrom, RegionState

Params = dict[str, Any]
Document = dict[str, Any]
Handler = Callable[[RegionState, Params], Document]

_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$", re.IGNORECASE)
_EMAIL = re.compile(r"^[^@\s]+@([^@\s]+)$")
_CONFIG_SET_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_DESTINATION_KINDS = (
    "KinesisFirehoseDestination",
    "CloudWatchDestination",
    "SnsDestination",
    "EventBridgeDestination",
    "PinpointDestination",
)
ENFORCEMENT_STATUSES = ("HEALTHY", "PROBATION", "SHUTDOWN")


# --- helpers ------------------------------------------------------------------------------------


def _identity(state: RegionState, name: str) -> Identity:
    found = state.identities.get(name)
    if found is None:
        raise not_found(f"Email identity {name} does not exist.")
    return found


def _config_set(state: RegionState, name: str | None) -> ConfigSet:
    found = state.config_sets.get(name or "")
    if found is None:
        raise not_found(f"Configuration set <{name}> does not exist.")
    return found


def paginate(names: list[str], params: Params, maximum: int) -> tuple[list[str], str | None]:
    """One page of sorted ``names`` after ``NextToken``, at most ``PageSize`` long."""
    size = params.get("PageSize")
    if size is None:
        size = maximum
    size = int(size)
    if not 1 <= size <= maximum:
        raise bad_request(f"PageSize must be between 1 and {maximum}.")
    ordered = sorted(names)
    start = 0
    token = params.get("NextToken")
    if token:
        try:
            after = base64.b64decode(token.encode(), altchars=b"-_", validate=True).decode()
        except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
            raise bad_request("Invalid NextToken.") from exc
        start = next((i for i, name in enumerate(ordered) if name >= after), len(ordered))
    page = ordered[start : start + size]
    rest = ordered[start + size :]
    next_token = base64.urlsafe_b64encode(rest[0].encode()).decode() if rest else None
    return page, next_token


def _with_token(document: Document, token: str | None) -> Document:
    if token:
        document["NextToken"] = token
    return document


def _json_policy(text: Any) -> str:
    if not isinstance(text, str):
        raise bad_request("Policy must be a JSON document.")
    try:
        parsed = json.loads(text)
    except ValueError as exc:
        raise bad_request("Policy is not valid JSON.") from exc
    if not isinstance(parsed, dict) or "Statement" not in parsed:
        raise bad_request("Policy must be a JSON object with a Statement.")
    return text


def dkim_document(identity: Identity) -> Document:
    """The v2 ``DkimAttributes`` of an identity."""
    dkim = identity.dkim
    document: Document = {"SigningEnabled": dkim.signing_enabled, "Status": dkim.status}
    if identity.identity_type == "DOMAIN":
        # An address has no DKIM setup of its own (it signs with its domain's keys): AWS sends no origin.
        document["SigningAttributesOrigin"] = dkim.origin
    if dkim.tokens:
        document["Tokens"] = list(dkim.tokens)
    if dkim.origin == "EXTERNAL":
        # BYODKIM: the key lengths and the generation time are documented for Easy DKIM only.
        return document
    if dkim.current_key_length:
        document["CurrentSigningKeyLength"] = dkim.current_key_length
    if dkim.next_key_length:
        document["NextSigningKeyLength"] = dkim.next_key_length
    if dkim.last_key_generation:
        document["LastKeyGenerationTimestamp"] = dkim.last_key_generation
    return document


def _verified_for_sending(identity: Identity) -> bool:
    return identity.verification_status == "SUCCESS"


# --- account ------------------------------------------------------------------------------------


def get_account(state: RegionState, params: Params) -> Document:
    """GetAccount."""
    account = state.account
    max_send, rate = PRODUCTION_QUOTA if account.production_access else SANDBOX_QUOTA
    document: Document = {
        "DedicatedIpAutoWarmupEnabled": account.dedicated_ip_auto_warmup,
        "EnforcementStatus": account.enforcement_status,
        "ProductionAccessEnabled": account.production_access,
        "SendQuota": {
            "Max24HourSend": max_send,
            "MaxSendRate": rate,
            "SentLast24Hours": float(moto_bridge.sent_count(state.account_id, state.region)),
        },
        "SendingEnabled": account.sending_enabled,
        "SuppressionAttributes": {"SuppressedReasons": list(account.suppressed_reasons)},
    }
    if account.details is not None:
        document["Details"] = account.details
    if account.vdm is not None:
        document["VdmAttributes"] = account.vdm
    return document


def put_account_suppression_attributes(state: RegionState, params: Params) -> Document:
    """PutAccountSuppressionAttributes."""
    state.account.suppressed_reasons = list(params.get("SuppressedReasons") or [])
    return {}


def put_account_vdm_attributes(state: RegionState, params: Params) -> Document:
    """PutAccountVdmAttributes."""
    vdm = params.get("VdmAttributes")
    if not isinstance(vdm, dict) or "VdmEnabled" not in vdm:
        raise bad_request("VdmAttributes.VdmEnabled is required.")
    state.account.vdm = vdm
    return {}


def put_account_sending_attributes(state: RegionState, params: Params) -> Document:
    """PutAccountSendingAttributes."""
    if "SendingEnabled" in params:
        state.account.sending_enabled = bool(params["SendingEnabled"])
    return {}


def put_account_details(state: RegionState, params: Params) -> Document:
    """PutAccountDetails; a production access request is granted at once (there is no reviewer)."""
    for required in ("MailType", "WebsiteURL"):
        if not params.get(required):
            raise bad_request(f"{required} is required.")
    details: Document = {"MailType": params["MailType"], "WebsiteURL": params["WebsiteURL"]}
    for optional in ("ContactLanguage", "UseCaseDescription", "AdditionalContactEmailAddresses"):
        if params.get(optional) is not None:
            details[optional] = params[optional]
    if params.get("ProductionAccessEnabled"):
        details["ReviewDetails"] = {"Status": "GRANTED", "CaseId": f"local-{state.region}"}
        state.account.production_access = True
    state.account.details = details
    return {}


# --- identities ---------------------------------------------------------------------------------


def create_email_identity(state: RegionState, params: Params) -> Document:
    """CreateEmailIdentity."""
    name = str(params.get("EmailIdentity") or "")
    email = _EMAIL.match(name)
    if not (email or _DOMAIN.match(name)):
        raise bad_request(f"Invalid email identity: {name!r}.")
    if name in state.identities:
        raise already_exists(f"Email identity {name} already exist.")
    config_set = params.get("ConfigurationSetName")
    if config_set:
        _config_set(state, config_set)
    identity = Identity(name=name, configuration_set_name=config_set)
    signing = params.get("DkimSigningAttributes") or {}
    if email:
        if signing:
            raise bad_request("DKIM signing attributes apply to domain identities only.")
    elif signing.get("DomainSigningSelector") or signing.get("DomainSigningPrivateKey"):
        if not (signing.get("DomainSigningSelector") and signing.get("DomainSigningPrivateKey")):
            raise bad_request("BYODKIM needs both DomainSigningSelector and DomainSigningPrivateKey.")
        identity.start_byodkim(signing["DomainSigningSelector"])
    else:
        identity.start_easy_dkim(signing.get("NextSigningKeyLength", "RSA_2048_BIT"))
    state.add_identity(identity)
    moto_bridge.tag(state.account_id, state.region, state.arn(f"identity/{name}"), params.get("Tags") or [])
    return {
        "IdentityType": identity.identity_type,
        "VerifiedForSendingStatus": _verified_for_sending(identity),
        "DkimAttributes": dkim_document(identity),
    }


def get_email_identity(state: RegionState, params: Params) -> Document:
    """GetEmailIdentity."""
    identity = _identity(state, params["EmailIdentity"])
    document: Document = {
        "IdentityType": identity.identity_type,
        "FeedbackForwardingStatus": identity.feedback_forwarding,
        "VerifiedForSendingStatus": _verified_for_sending(identity),
        "DkimAttributes": dkim_document(identity),
        "Policies": dict(identity.policies),
        "Tags": moto_bridge.tags(state.account_id, state.region, state.arn(f"identity/{identity.name}")),
        "VerificationStatus": identity.verification_status,
        "VerificationInfo": {"LastCheckedTimestamp": identity.last_checked},
    }
    if identity.verification_status == "SUCCESS":
        document["VerificationInfo"]["LastSuccessTimestamp"] = identity.last_checked
    if identity.mail_from is not None:
        document["MailFromAttributes"] = {
            "MailFromDomain": identity.mail_from.domain,
            "MailFromDomainStatus": identity.mail_from.status,
            "BehaviorOnMxFailure": identity.mail_from.behavior,
        }
    if identity.configuration_set_name:
        document["ConfigurationSetName"] = identity.configuration_set_name
    return document


def list_email_identities(state: RegionState, params: Params) -> Document:
    """ListEmailIdentities (paginated by PageSize and NextToken)."""
    page, token = paginate(list(state.identities), params, 1000)
    items = [
        {
            "IdentityType": state.identities[name].identity_type,
            "IdentityName": name,
            "SendingEnabled": _verified_for_sending(state.identities[name]),
            "VerificationStatus": state.identities[name].verification_status,
        }
        for name in page
    ]
    return _with_token({"EmailIdentities": items}, token)


def delete_email_identity(state: RegionState, params: Params) -> Document:
    """DeleteEmailIdentity."""
    _identity(state, params["EmailIdentity"])
    state.remove_identity(params["EmailIdentity"])
    return {}


def put_email_identity_dkim_attributes(state: RegionState, params: Params) -> Document:
    """PutEmailIdentityDkimAttributes: turn DKIM signing on or off."""
    identity = _identity(state, params["EmailIdentity"])
    enabled = bool(params.get("SigningEnabled", False))
    if enabled and identity.identity_type == "DOMAIN" and not identity.dkim.tokens:
        identity.start_easy_dkim()
    identity.dkim.signing_enabled = enabled
    return {}


def put_email_identity_dkim_signing_attributes(state: RegionState, params: Params) -> Document:
    """PutEmailIdentityDkimSigningAttributes: switch between Easy DKIM and BYODKIM, or change key length."""
    identity = _identity(state, params["EmailIdentity"])
    if identity.identity_type != "DOMAIN":
        raise bad_request("DKIM signing attributes apply to domain identities only.")
    origin = params.get("SigningAttributesOrigin")
    attributes = params.get("SigningAttributes") or {}
    if origin == "EXTERNAL":
        selector = attributes.get("DomainSigningSelector")
        if not (selector and attributes.get("DomainSigningPrivateKey")):
            raise bad_request("BYODKIM needs DomainSigningSelector and DomainSigningPrivateKey.")
        identity.start_byodkim(selector)
    elif origin and origin.startswith("AWS_SES"):
        length = attributes.get("NextSigningKeyLength")
        if identity.dkim.origin != "EXTERNAL" and identity.dkim.tokens:
            if length:
                identity.dkim.next_key_length = length
        else:
            identity.start_easy_dkim(length or "RSA_2048_BIT")
        identity.dkim.origin = origin
    else:
        raise bad_request(f"Unsupported SigningAttributesOrigin {origin!r}.")
    return {"DkimStatus": identity.dkim.status, "DkimTokens": list(identity.dkim.tokens)}


def put_email_identity_mail_from_attributes(state: RegionState, params: Params) -> Document:
    """PutEmailIdentityMailFromAttributes (no MailFromDomain = custom MAIL FROM off)."""
    identity = _identity(state, params["EmailIdentity"])
    domain = params.get("MailFromDomain")
    if not domain:
        identity.mail_from = None
        return {}
    parent = identity.name.split("@")[-1]
    if not domain.endswith("." + parent):
        raise bad_request(f"MAIL FROM domain {domain} must be a subdomain of {parent}.")
    behavior = params.get("BehaviorOnMxFailure") or "USE_DEFAULT_VALUE"
    identity.mail_from = MailFrom(domain=domain, behavior=behavior)
    return {}


def put_email_identity_configuration_set_attributes(state: RegionState, params: Params) -> Document:
    """PutEmailIdentityConfigurationSetAttributes (no name = no default configuration set)."""
    identity = _identity(state, params["EmailIdentity"])
    name = params.get("ConfigurationSetName")
    if name:
        _config_set(state, name)
    identity.configuration_set_name = name or None
    return {}


def put_email_identity_feedback_attributes(state: RegionState, params: Params) -> Document:
    """PutEmailIdentityFeedbackAttributes (email feedback forwarding)."""
    identity = _identity(state, params["EmailIdentity"])
    identity.feedback_forwarding = bool(params.get("EmailForwardingEnabled", False))
    return {}


def create_email_identity_policy(state: RegionState, params: Params) -> Document:
    """CreateEmailIdentityPolicy."""
    identity = _identity(state, params["EmailIdentity"])
    name = params["PolicyName"]
    if name in identity.policies:
        raise already_exists(f"Policy {name} already exists for {identity.name}.")
    if len(identity.policies) >= 20:
        raise ApiError("LimitExceededException", "An identity can have at most 20 policies.")
    identity.policies[name] = _json_policy(params.get("Policy"))
    return {}


def get_email_identity_policies(state: RegionState, params: Params) -> Document:
    """GetEmailIdentityPolicies."""
    return {"Policies": dict(_identity(state, params["EmailIdentity"]).policies)}


def update_email_identity_policy(state: RegionState, params: Params) -> Document:
    """UpdateEmailIdentityPolicy."""
    identity = _identity(state, params["EmailIdentity"])
    name = params["PolicyName"]
    if name not in identity.policies:
        raise not_found(f"Policy {name} does not exist for {identity.name}.")
    identity.policies[name] = _json_policy(params.get("Policy"))
    return {}


def delete_email_identity_policy(state: RegionState, params: Params) -> Document:
    """DeleteEmailIdentityPolicy (deleting a policy that does not exist succeeds, as in SES)."""
    _identity(state, params["EmailIdentity"]).policies.pop(params["PolicyName"], None)
    return {}


# --- configuration sets -------------------------------------------------------------------------


def _epoch_to_datetime(value: Any) -> dt.datetime:
    return dt.datetime.fromtimestamp(float(value), dt.UTC)


def _reputation(options: Params) -> Document:
    reputation: Document = {"ReputationMetricsEnabled": bool(options.get("ReputationMetricsEnabled", False))}
    if options.get("LastFreshStart") is not None:
        reputation["LastFreshStart"] = _epoch_to_datetime(options["LastFreshStart"])
    return reputation


def _delivery(options: Params) -> Document:
    delivery = {k: v for k, v in options.items() if v is not None}
    delivery.setdefault("TlsPolicy", "OPTIONAL")
    return delivery


def create_configuration_set(state: RegionState, params: Params) -> Document:
    """CreateConfigurationSet."""
    name = str(params.get("ConfigurationSetName") or "")
    if not _CONFIG_SET_NAME.match(name):
        raise bad_request(f"Invalid configuration set name: {name!r}.")
    if name in state.config_sets:
        raise already_exists(f"Configuration set <{name}> already exists.")
    config_set = ConfigSet(
        name=name,
        tracking=params.get("TrackingOptions"),
        delivery=_delivery(params.get("DeliveryOptions") or {}),
        reputation=_reputation(params.get("ReputationOptions") or {}),
        sending_enabled=bool((params.get("SendingOptions") or {}).get("SendingEnabled", True)),
        suppression=params.get("SuppressionOptions"),
        vdm=params.get("VdmOptions"),
        archiving=params.get("ArchivingOptions"),
    )
    state.add_config_set(config_set)
    moto_bridge.tag(
        state.account_id, state.region, state.arn(f"configuration-set/{name}"), params.get("Tags") or []
    )
    return {}


def get_configuration_set(state: RegionState, params: Params) -> Document:
    """GetConfigurationSet."""
    config_set = _config_set(state, params["ConfigurationSetName"])
    document: Document = {
        "ConfigurationSetName": config_set.name,
        "DeliveryOptions": dict(config_set.delivery),
        "ReputationOptions": dict(config_set.reputation),
        "SendingOptions": {"SendingEnabled": config_set.sending_enabled},
        "Tags": moto_bridge.tags(
            state.account_id, state.region, state.arn(f"configuration-set/{config_set.name}")
        ),
    }
    optional = {
        "TrackingOptions": config_set.tracking,
        "SuppressionOptions": config_set.suppression,
        "VdmOptions": config_set.vdm,
        "ArchivingOptions": config_set.archiving,
    }
    document.update({key: value for key, value in optional.items() if value is not None})
    return document


def list_configuration_sets(state: RegionState, params: Params) -> Document:
    """ListConfigurationSets (paginated by PageSize and NextToken)."""
    page, token = paginate(list(state.config_sets), params, 1000)
    return _with_token({"ConfigurationSets": page}, token)


def delete_configuration_set(state: RegionState, params: Params) -> Document:
    """DeleteConfigurationSet."""
    _config_set(state, params["ConfigurationSetName"])
    state.remove_config_set(params["ConfigurationSetName"])
    return {}


def put_configuration_set_delivery_options(state: RegionState, params: Params) -> Document:
    """PutConfigurationSetDeliveryOptions."""
    config_set = _config_set(state, params["ConfigurationSetName"])
    options: Params = {
        k: params[k] for k in ("TlsPolicy", "SendingPoolName", "MaxDeliverySeconds") if k in params
    }
    config_set.delivery = _delivery(options)
    return {}


def put_configuration_set_reputation_options(state: RegionState, params: Params) -> Document:
    """PutConfigurationSetReputationOptions."""
    config_set = _config_set(state, params["ConfigurationSetName"])
    enabled = bool(params.get("ReputationMetricsEnabled", False))
    config_set.reputation["ReputationMetricsEnabled"] = enabled
    return {}


def put_configuration_set_sending_options(state: RegionState, params: Params) -> Document:
    """PutConfigurationSetSendingOptions."""
    config_set = _config_set(state, params["ConfigurationSetName"])
    config_set.sending_enabled = bool(params.get("SendingEnabled", False))
    return {}


def put_configuration_set_suppression_options(state: RegionState, params: Params) -> Document:
    """PutConfigurationSetSuppressionOptions (no SuppressedReasons = the account's settings apply)."""
    config_set = _config_set(state, params["ConfigurationSetName"])
    reasons = params.get("SuppressedReasons")
    config_set.suppression = None if reasons is None else {"SuppressedReasons": list(reasons)}
    return {}


def put_configuration_set_vdm_options(state: RegionState, params: Params) -> Document:
    """PutConfigurationSetVdmOptions."""
    _config_set(state, params["ConfigurationSetName"]).vdm = params.get("VdmOptions")
    return {}


def put_configuration_set_tracking_options(state: RegionState, params: Params) -> Document:
    """PutConfigurationSetTrackingOptions."""
    config_set = _config_set(state, params["ConfigurationSetName"])
    domain = params.get("CustomRedirectDomain")
    tracking: Document = {"CustomRedirectDomain": domain} if domain else {}
    if tracking and params.get("HttpsPolicy"):
        tracking["HttpsPolicy"] = params["HttpsPolicy"]
    config_set.tracking = tracking or None
    return {}


def _destination(name: str, definition: Any) -> Document:
    if not isinstance(definition, dict):
        raise bad_request("EventDestination is required.")
    kinds = [kind for kind in _DESTINATION_KINDS if definition.get(kind)]
    if len(kinds) != 1:
        raise bad_request("An event destination needs exactly one destination.")
    if not definition.get("MatchingEventTypes"):
        raise bad_request("MatchingEventTypes must name at least one event type.")
    return {
        "Name": name,
        "Enabled": bool(definition.get("Enabled", False)),
        "MatchingEventTypes": list(definition["MatchingEventTypes"]),
        kinds[0]: definition[kinds[0]],
    }


def create_configuration_set_event_destination(state: RegionState, params: Params) -> Document:
    """CreateConfigurationSetEventDestination."""
    config_set = _config_set(state, params["ConfigurationSetName"])
    name = str(params.get("EventDestinationName") or "")
    if not name:
        raise bad_request("EventDestinationName is required.")
    if name in config_set.event_destinations:
        raise already_exists(f"Event destination {name} already exists in <{config_set.name}>.")
    config_set.event_destinations[name] = _destination(name, params.get("EventDestination"))
    return {}


def get_configuration_set_event_destinations(state: RegionState, params: Params) -> Document:
    """GetConfigurationSetEventDestinations."""
    config_set = _config_set(state, params["ConfigurationSetName"])
    return {"EventDestinations": [dict(d) for d in config_set.event_destinations.values()]}


def update_configuration_set_event_destination(state: RegionState, params: Params) -> Document:
    """UpdateConfigurationSetEventDestination."""
    config_set = _config_set(state, params["ConfigurationSetName"])
    name = params["EventDestinationName"]
    if name not in config_set.event_destinations:
        raise not_found(f"Event destination {name} does not exist in <{config_set.name}>.")
    config_set.event_destinations[name] = _destination(name, params.get("EventDestination"))
    return {}


def delete_configuration_set_event_destination(state: RegionState, params: Params) -> Document:
    """DeleteConfigurationSetEventDestination."""
    config_set = _config_set(state, params["ConfigurationSetName"])
    name = params["EventDestinationName"]
    if config_set.event_destinations.pop(name, None) is None:
        raise not_found(f"Event destination {name} does not exist in <{config_set.name}>.")
    return {}


HANDLERS: Final[dict[str, Handler]] = {
    **sesv2_deliverability.HANDLERS,
    "GetAccount": get_account,
    "PutAccountSuppressionAttributes": put_account_suppression_attributes,
    "PutAccountVdmAttributes": put_account_vdm_attributes,
    "PutAccountSendingAttributes": put_account_sending_attributes,
    "PutAccountDetails": put_account_details,
    "CreateEmailIdentity": create_email_identity,
    "GetEmailIdentity": get_email_identity,
    "ListEmailIdentities": list_email_identities,
    "DeleteEmailIdentity": delete_email_identity,
    "PutEmailIdentityDkimAttributes": put_email_identity_dkim_attributes,
    "PutEmailIdentityDkimSigningAttributes": put_email_identity_dkim_signing_attributes,
    "PutEmailIdentityMailFromAttributes": put_email_identity_mail_from_attributes,
    "PutEmailIdentityConfigurationSetAttributes": put_email_identity_configuration_set_attributes,
    "PutEmailIdentityFeedbackAttributes": put_email_identity_feedback_attributes,
    "CreateEmailIdentityPolicy": create_email_identity_policy,
    "GetEmailIdentityPolicies": get_email_identity_policies,
    "UpdateEmailIdentityPolicy": update_email_identity_policy,
    "DeleteEmailIdentityPolicy": delete_email_identity_policy,
    "CreateConfigurationSet": create_configuration_set,
    "GetConfigurationSet": get_configuration_set,
    "ListConfigurationSets": list_configuration_sets,
    "DeleteConfigurationSet": delete_configuration_set,
    "PutConfigurationSetDeliveryOptions": put_configuration_set_delivery_options,
    "PutConfigurationSetReputationOptions": put_configuration_set_reputation_options,
    "PutConfigurationSetSendingOptions": put_configuration_set_sending_options,
    "PutConfigurationSetSuppressionOptions": put_configuration_set_suppression_options,
    "PutConfigurationSetVdmOptions": put_configuration_set_vdm_options,
    "PutConfigurationSetTrackingOptions": put_configuration_set_tracking_options,
    "CreateConfigurationSetEventDestination": create_configuration_set_event_destination,
    "GetConfigurationSetEventDestinations": get_configuration_set_event_destinations,
    "UpdateConfigurationSetEventDestination": update_configuration_set_event_destination,
    "DeleteConfigurationSetEventDestination": delete_configuration_set_event_destination,
}


def resource_arn(state: RegionState, operation: str, params: Params) -> str:
    """The resource an operation acts on, for IAM evaluation (``*`` for account-level operations)."""
    if params.get("EmailIdentity"):
        return state.arn(f"identity/{params['EmailIdentity']}")
    if params.get("ConfigurationSetName") and "ConfigurationSet" in operation:
        return state.arn(f"configuration-set/{params['ConfigurationSetName']}")
    return "*"
