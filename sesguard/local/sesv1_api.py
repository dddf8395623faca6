"""SES v1 (query API) operations moto gets wrong, served from the same store as SES v2.

Identities and configuration sets are shared with moto's v1 registry, so an identity created with
v1 ``VerifyDomainIdentity`` appears in v2 ``ListEmailIdentities`` and the other way round; the
attributes below are read and written in the store, so v1 and v2 views agree.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Callable
from typing import Any, Final

from botocore.model import ListShape, StringShape, StructureShape

from . import moto_bridge
from .errors import ApiError
from .shapes import operation_model
from .store import PRODUCTION_QUOTA, SANDBOX_QUOTA, ConfigSet, Identity, MailFrom, RegionState

Params = dict[str, Any]
Document = dict[str, Any]
Handler = Callable[[RegionState, Params], Document]

_STATUS_V1: Final = {
    "PENDING": "Pending",
    "SUCCESS": "Success",
    "FAILED": "Failed",
    "TEMPORARY_FAILURE": "TemporaryFailure",
    "NOT_STARTED": "NotStarted",
}
_BEHAVIOR_V1: Final = {"USE_DEFAULT_VALUE": "UseDefaultValue", "REJECT_MESSAGE": "RejectMessage"}
_BEHAVIOR_V2: Final = {v: k for k, v in _BEHAVIOR_V1.items()}
_DIMENSION_V1: Final = {"MESSAGE_TAG": "messageTag", "EMAIL_HEADER": "emailHeader", "LINK_TAG": "linkTag"}
_DIMENSION_V2: Final = {v: k for k, v in _DIMENSION_V1.items()}
_TLS_V1: Final = {"REQUIRE": "Require", "OPTIONAL": "Optional"}
_NOTIFICATION_TYPES = ("Bounce", "Complaint", "Delivery")


def invalid(message: str) -> ApiError:
    """SES v1 ``InvalidParameterValue``."""
    return ApiError("InvalidParameterValue", message, 400)


def _identity(state: RegionState, name: Any) -> Identity:
    found = state.identities.get(str(name))
    if found is None:
        raise invalid(f"Identity <{name}> does not exist.")
    return found


def _config_set(state: RegionState, name: Any) -> ConfigSet:
    found = state.config_sets.get(str(name))
    if found is None:
        raise ApiError("ConfigurationSetDoesNotExist", f"Configuration set <{name}> does not exist.")
    return found


def event_type_v1(name: str) -> str:
    """``RENDERING_FAILURE`` -> ``renderingFailure``."""
    first, *rest = name.lower().split("_")
    return first + "".join(part.title() for part in rest)


def event_type_v2(name: str) -> str:
    """``renderingFailure`` -> ``RENDERING_FAILURE``."""
    return re.sub(r"([A-Z])", r"_\1", name).upper()


def _v1_event_types() -> frozenset[str]:
    shape = operation_model("ses", "CreateConfigurationSetEventDestination").input_shape
    assert isinstance(shape, StructureShape)
    destination = shape.members["EventDestination"]
    assert isinstance(destination, StructureShape)
    types = destination.members["MatchingEventTypes"]
    assert isinstance(types, ListShape) and isinstance(types.member, StringShape)
    return frozenset(types.member.enum)


# --- identities ---------------------------------------------------------------------------------


def get_identity_verification_attributes(state: RegionState, params: Params) -> Document:
    """GetIdentityVerificationAttributes."""
    result: Document = {}
    for name in params.get("Identities") or []:
        identity = state.identities.get(name)
        if identity is None:
            continue
        entry: Document = {"VerificationStatus": _STATUS_V1[identity.verification_status]}
        if identity.identity_type == "DOMAIN":
            entry["VerificationToken"] = base64.b64encode(hashlib.sha256(name.encode()).digest()).decode()
        result[name] = entry
    return {"VerificationAttributes": result}


def get_identity_dkim_attributes(state: RegionState, params: Params) -> Document:
    """GetIdentityDkimAttributes."""
    result: Document = {}
    for name in params.get("Identities") or []:
        identity = state.identities.get(name)
        if identity is None:
            continue
        entry: Document = {
            "DkimEnabled": identity.dkim.signing_enabled,
            "DkimVerificationStatus": _STATUS_V1[identity.dkim.status],
        }
        if identity.dkim.tokens and identity.dkim.origin != "EXTERNAL":
            entry["DkimTokens"] = list(identity.dkim.tokens)
        result[name] = entry
    return {"DkimAttributes": result}


def verify_domain_dkim(state: RegionState, params: Params) -> Document:
    """VerifyDomainDkim: make the domain an identity if needed and start Easy DKIM."""
    domain = str(params.get("Domain") or "").lower()
    if not domain or "@" in domain:
        raise invalid(f"Invalid domain name <{domain}>.")
    identity = state.identities.get(domain)
    if identity is None:
        identity = Identity(name=domain)
        state.add_identity(identity)
    if not identity.dkim.tokens or identity.dkim.origin == "EXTERNAL":
        identity.start_easy_dkim()
    return {"DkimTokens": list(identity.dkim.tokens)}


def set_identity_dkim_enabled(state: RegionState, params: Params) -> Document:
    """SetIdentityDkimEnabled."""
    identity = _identity(state, params.get("Identity"))
    enabled = bool(params.get("DkimEnabled"))
    if enabled and not identity.dkim.tokens and identity.identity_type == "DOMAIN":
        identity.start_easy_dkim()
    identity.dkim.signing_enabled = enabled
    return {}


def get_identity_mail_from_domain_attributes(state: RegionState, params: Params) -> Document:
    """GetIdentityMailFromDomainAttributes (identities without a MAIL FROM domain are left out)."""
    result: Document = {}
    for name in params.get("Identities") or []:
        identity = state.identities.get(name)
        if identity is None or identity.mail_from is None:
            continue
        result[name] = {
            "MailFromDomain": identity.mail_from.domain,
            "MailFromDomainStatus": _STATUS_V1[identity.mail_from.status],
            "BehaviorOnMXFailure": _BEHAVIOR_V1[identity.mail_from.behavior],
        }
    return {"MailFromDomainAttributes": result}


def set_identity_mail_from_domain(state: RegionState, params: Params) -> Document:
    """SetIdentityMailFromDomain (no MailFromDomain = custom MAIL FROM off)."""
    identity = _identity(state, params.get("Identity"))
    domain = params.get("MailFromDomain")
    if not domain:
        identity.mail_from = None
        return {}
    parent = identity.name.split("@")[-1]
    if not str(domain).endswith("." + parent):
        raise invalid(f"MAIL FROM domain <{domain}> must be a subdomain of <{parent}>.")
    behavior = _BEHAVIOR_V2.get(params.get("BehaviorOnMXFailure") or "UseDefaultValue", "USE_DEFAULT_VALUE")
    identity.mail_from = MailFrom(domain=str(domain), behavior=behavior)
    return {}


def get_identity_notification_attributes(state: RegionState, params: Params) -> Document:
    """GetIdentityNotificationAttributes, topics included."""
    result: Document = {}
    for name in params.get("Identities") or []:
        identity = state.identities.get(name)
        if identity is None:
            continue
        entry: Document = {"ForwardingEnabled": identity.feedback_forwarding}
        for kind in _NOTIFICATION_TYPES:
            if kind in identity.topics:
                entry[f"{kind}Topic"] = identity.topics[kind]
            entry[f"HeadersIn{kind}NotificationsEnabled"] = identity.headers_in_notifications.get(kind, False)
        result[name] = entry
    return {"NotificationAttributes": result}


def set_identity_notification_topic(state: RegionState, params: Params) -> Document:
    """SetIdentityNotificationTopic (no SnsTopic = unset)."""
    identity = _identity(state, params.get("Identity"))
    kind = params.get("NotificationType")
    if kind not in _NOTIFICATION_TYPES:
        raise invalid(f"Invalid notification type <{kind}>.")
    topic = params.get("SnsTopic")
    if topic:
        identity.topics[kind] = str(topic)
    else:
        identity.topics.pop(kind, None)
    moto_bridge.mirror_notification_topics(state.account_id, state.region, identity.name, identity.topics)
    return {}


def set_identity_feedback_forwarding_enabled(state: RegionState, params: Params) -> Document:
    """SetIdentityFeedbackForwardingEnabled (off only with Bounce and Complaint topics set, as in SES)."""
    identity = _identity(state, params.get("Identity"))
    enabled = bool(params.get("ForwardingEnabled"))
    if not enabled and not {"Bounce", "Complaint"} <= identity.topics.keys():
        raise invalid("Feedback forwarding can be disabled only when Bounce and Complaint topics are set.")
    identity.feedback_forwarding = enabled
    return {}


def set_identity_headers_in_notifications_enabled(state: RegionState, params: Params) -> Document:
    """SetIdentityHeadersInNotificationsEnabled."""
    identity = _identity(state, params.get("Identity"))
    kind = params.get("NotificationType")
    if kind not in _NOTIFICATION_TYPES:
        raise invalid(f"Invalid notification type <{kind}>.")
    identity.headers_in_notifications[kind] = bool(params.get("Enabled"))
    return {}


def list_identity_policies(state: RegionState, params: Params) -> Document:
    """ListIdentityPolicies."""
    return {"PolicyNames": sorted(_identity(state, params.get("Identity")).policies)}


def get_identity_policies(state: RegionState, params: Params) -> Document:
    """GetIdentityPolicies."""
    identity = _identity(state, params.get("Identity"))
    names = params.get("PolicyNames") or []
    return {"Policies": {name: identity.policies[name] for name in names if name in identity.policies}}


def put_identity_policy(state: RegionState, params: Params) -> Document:
    """PutIdentityPolicy (creates or replaces)."""
    identity = _identity(state, params.get("Identity"))
    text = params.get("Policy")
    try:
        parsed = json.loads(str(text))
    except ValueError as exc:
        raise ApiError("InvalidPolicy", "Policy is not valid JSON.") from exc
    if not isinstance(parsed, dict) or "Statement" not in parsed:
        raise ApiError("InvalidPolicy", "Policy must be a JSON object with a Statement.")
    identity.policies[str(params.get("PolicyName"))] = str(text)
    return {}


def delete_identity_policy(state: RegionState, params: Params) -> Document:
    """DeleteIdentityPolicy."""
    _identity(state, params.get("Identity")).policies.pop(str(params.get("PolicyName")), None)
    return {}


# --- configuration sets -------------------------------------------------------------------------


def destination_v1(destination: Document, allowed: frozenset[str]) -> Document:
    """A v2 event destination in v1 spelling (EventBridge and Pinpoint have no v1 form)."""
    entry: Document = {
        "Name": destination["Name"],
        "Enabled": destination.get("Enabled", False),
        "MatchingEventTypes": [
            event_type_v1(t) for t in destination["MatchingEventTypes"] if event_type_v1(t) in allowed
        ],
    }
    if "KinesisFirehoseDestination" in destination:
        firehose = destination["KinesisFirehoseDestination"]
        entry["KinesisFirehoseDestination"] = {
            "IAMRoleARN": firehose["IamRoleArn"],
            "DeliveryStreamARN": firehose["DeliveryStreamArn"],
        }
    if "CloudWatchDestination" in destination:
        entry["CloudWatchDestination"] = {
            "DimensionConfigurations": [
                {
                    "DimensionName": d["DimensionName"],
                    "DimensionValueSource": _DIMENSION_V1[d["DimensionValueSource"]],
                    "DefaultDimensionValue": d["DefaultDimensionValue"],
                }
                for d in destination["CloudWatchDestination"]["DimensionConfigurations"]
            ]
        }
    if "SnsDestination" in destination:
        entry["SNSDestination"] = {"TopicARN": destination["SnsDestination"]["TopicArn"]}
    return entry


def destination_v2(definition: Document) -> Document:
    """A v1 event destination in v2 spelling, as the store keeps it."""
    if not definition.get("Name") or not definition.get("MatchingEventTypes"):
        raise invalid("EventDestination needs a Name and MatchingEventTypes.")
    entry: Document = {
        "Name": definition["Name"],
        "Enabled": bool(definition.get("Enabled", False)),
        "MatchingEventTypes": [event_type_v2(t) for t in definition["MatchingEventTypes"]],
    }
    kinds = 0
    if "KinesisFirehoseDestination" in definition:
        firehose = definition["KinesisFirehoseDestination"]
        entry["KinesisFirehoseDestination"] = {
            "IamRoleArn": firehose["IAMRoleARN"],
            "DeliveryStreamArn": firehose["DeliveryStreamARN"],
        }
        kinds += 1
    if "CloudWatchDestination" in definition:
        entry["CloudWatchDestination"] = {
            "DimensionConfigurations": [
                {
                    "DimensionName": d["DimensionName"],
                    "DimensionValueSource": _DIMENSION_V2[d["DimensionValueSource"]],
                    "DefaultDimensionValue": d["DefaultDimensionValue"],
                }
                for d in definition["CloudWatchDestination"]["DimensionConfigurations"]
            ]
        }
        kinds += 1
    if "SNSDestination" in definition:
        entry["SnsDestination"] = {"TopicArn": definition["SNSDestination"]["TopicARN"]}
        kinds += 1
    if kinds != 1:
        raise invalid("An event destination needs exactly one destination.")
    return entry


def describe_configuration_set(state: RegionState, params: Params) -> Document:
    """DescribeConfigurationSet, with every event destination."""
    config_set = _config_set(state, params.get("ConfigurationSetName"))
    wanted = set(params.get("ConfigurationSetAttributeNames") or [])
    document: Document = {"ConfigurationSet": {"Name": config_set.name}}
    if "eventDestinations" in wanted:
        allowed = _v1_event_types()
        document["EventDestinations"] = [
            destination_v1(d, allowed) for d in config_set.event_destinations.values()
        ]
    if "trackingOptions" in wanted and config_set.tracking:
        document["TrackingOptions"] = {"CustomRedirectDomain": config_set.tracking["CustomRedirectDomain"]}
    if "deliveryOptions" in wanted:
        document["DeliveryOptions"] = {"TlsPolicy": _TLS_V1[config_set.delivery.get("TlsPolicy", "OPTIONAL")]}
    if "reputationOptions" in wanted:
        reputation: Document = {
            "SendingEnabled": config_set.sending_enabled,
            "ReputationMetricsEnabled": bool(config_set.reputation.get("ReputationMetricsEnabled")),
        }
        if config_set.reputation.get("LastFreshStart"):
            reputation["LastFreshStart"] = config_set.reputation["LastFreshStart"]
        document["ReputationOptions"] = reputation
    return document


def create_configuration_set_event_destination(state: RegionState, params: Params) -> Document:
    """CreateConfigurationSetEventDestination (every destination is kept)."""
    config_set = _config_set(state, params.get("ConfigurationSetName"))
    entry = destination_v2(params.get("EventDestination") or {})
    if entry["Name"] in config_set.event_destinations:
        raise ApiError(
            "EventDestinationAlreadyExists", f"Event destination <{entry['Name']}> already exists."
        )
    config_set.event_destinations[entry["Name"]] = entry
    return {}


def update_configuration_set_event_destination(state: RegionState, params: Params) -> Document:
    """UpdateConfigurationSetEventDestination."""
    config_set = _config_set(state, params.get("ConfigurationSetName"))
    entry = destination_v2(params.get("EventDestination") or {})
    if entry["Name"] not in config_set.event_destinations:
        raise ApiError("EventDestinationDoesNotExist", f"Event destination <{entry['Name']}> does not exist.")
    config_set.event_destinations[entry["Name"]] = entry
    return {}


def delete_configuration_set_event_destination(state: RegionState, params: Params) -> Document:
    """DeleteConfigurationSetEventDestination."""
    config_set = _config_set(state, params.get("ConfigurationSetName"))
    name = str(params.get("EventDestinationName"))
    if config_set.event_destinations.pop(name, None) is None:
        raise ApiError("EventDestinationDoesNotExist", f"Event destination <{name}> does not exist.")
    return {}


def put_configuration_set_delivery_options(state: RegionState, params: Params) -> Document:
    """PutConfigurationSetDeliveryOptions (``Require`` / ``Optional``)."""
    config_set = _config_set(state, params.get("ConfigurationSetName"))
    tls = (params.get("DeliveryOptions") or {}).get("TlsPolicy", "Optional")
    config_set.delivery = {**config_set.delivery, "TlsPolicy": str(tls).upper()}
    return {}


def update_configuration_set_reputation_metrics_enabled(state: RegionState, params: Params) -> Document:
    """UpdateConfigurationSetReputationMetricsEnabled."""
    config_set = _config_set(state, params.get("ConfigurationSetName"))
    config_set.reputation["ReputationMetricsEnabled"] = bool(params.get("Enabled"))
    return {}


def update_configuration_set_sending_enabled(state: RegionState, params: Params) -> Document:
    """UpdateConfigurationSetSendingEnabled."""
    _config_set(state, params.get("ConfigurationSetName")).sending_enabled = bool(params.get("Enabled"))
    return {}


def delete_configuration_set(state: RegionState, params: Params) -> Document:
    """DeleteConfigurationSet (a missing set is an error, not a crash)."""
    config_set = _config_set(state, params.get("ConfigurationSetName"))
    state.remove_config_set(config_set.name)
    return {}


# --- account ------------------------------------------------------------------------------------


def get_send_quota(state: RegionState, params: Params) -> Document:
    """GetSendQuota, agreeing with v2 GetAccount (sandbox or production quota)."""
    max_send, rate = PRODUCTION_QUOTA if state.account.production_access else SANDBOX_QUOTA
    sent = float(moto_bridge.sent_count(state.account_id, state.region))
    return {"Max24HourSend": max_send, "MaxSendRate": rate, "SentLast24Hours": sent}


def get_account_sending_enabled(state: RegionState, params: Params) -> Document:
    """GetAccountSendingEnabled."""
    return {"Enabled": state.account.sending_enabled}


def update_account_sending_enabled(state: RegionState, params: Params) -> Document:
    """UpdateAccountSendingEnabled."""
    state.account.sending_enabled = bool(params.get("Enabled", False))
    return {}


HANDLERS: Final[dict[str, Handler]] = {
    "GetIdentityVerificationAttributes": get_identity_verification_attributes,
    "GetIdentityDkimAttributes": get_identity_dkim_attributes,
    "VerifyDomainDkim": verify_domain_dkim,
    "SetIdentityDkimEnabled": set_identity_dkim_enabled,
    "GetIdentityMailFromDomainAttributes": get_identity_mail_from_domain_attributes,
    "SetIdentityMailFromDomain": set_identity_mail_from_domain,
    "GetIdentityNotificationAttributes": get_identity_notification_attributes,
    "SetIdentityNotificationTopic": set_identity_notification_topic,
    "SetIdentityFeedbackForwardingEnabled": set_identity_feedback_forwarding_enabled,
    "SetIdentityHeadersInNotificationsEnabled": set_identity_headers_in_notifications_enabled,
    "ListIdentityPolicies": list_identity_policies,
    "GetIdentityPolicies": get_identity_policies,
    "PutIdentityPolicy": put_identity_policy,
    "DeleteIdentityPolicy": delete_identity_policy,
    "DescribeConfigurationSet": describe_configuration_set,
    "CreateConfigurationSetEventDestination": create_configuration_set_event_destination,
    "UpdateConfigurationSetEventDestination": update_configuration_set_event_destination,
    "DeleteConfigurationSetEventDestination": delete_configuration_set_event_destination,
    "PutConfigurationSetDeliveryOptions": put_configuration_set_delivery_options,
    "UpdateConfigurationSetReputationMetricsEnabled": update_configuration_set_reputation_metrics_enabled,
    "UpdateConfigurationSetSendingEnabled": update_configuration_set_sending_enabled,
    "DeleteConfigurationSet": delete_configuration_set,
    "GetSendQuota": get_send_quota,
    "GetAccountSendingEnabled": get_account_sending_enabled,
    "UpdateAccountSendingEnabled": update_account_sending_enabled,
}

# Output members the SES v1 model marks required although SES omits them when unset.
OMITTED_REQUIRED = frozenset({"BounceTopic", "ComplaintTopic", "DeliveryTopic"})
