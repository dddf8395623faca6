"""Attributes Terraform computes (``id``, ``arn``, data-source results) that templates refer to.

Where the provider derives an attribute from arguments (an SES identity's ``id`` is its domain), it is
derived the same way. ARNs are built in the provider's format with the deploy-time placeholders of
:mod:`.values` for partition, region and account (e.g.
``arn:<partition>:ses:<region>:<account-id>:identity/example.com``): what matters to the policies
(which service, which resource type, which name) is certain, the account is not guessed. Anything
else is Unknown ("known only after apply").
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from sesguard.model import Unknown
from sesguard.sources.terraform.values import (
    ACCOUNT_PLACEHOLDER,
    PARTITION_PLACEHOLDER,
    REGION_PLACEHOLDER,
    to_text,
)

Args = Callable[[str], Any]

# resource type -> the argument its `id` (and identity-ish name) comes from
ID_ARGUMENT: Final[dict[str, str]] = {
    "aws_ses_domain_identity": "domain",
    "aws_ses_email_identity": "email",
    "aws_sesv2_email_identity": "email_identity",
    "aws_ses_configuration_set": "name",
    "aws_sesv2_configuration_set": "configuration_set_name",
    "aws_ses_receipt_rule_set": "rule_set_name",
    "aws_ses_receipt_rule": "name",
    "aws_ses_template": "name",
    "aws_ses_domain_dkim": "domain",
    "aws_ses_domain_mail_from": "domain",
    "aws_iam_user": "name",
    "aws_iam_group": "name",
    "aws_iam_role": "name",
    "aws_sns_topic": "arn",
    "aws_iam_policy": "arn",
    "aws_sqs_queue": "url",
    "aws_s3_bucket": "bucket",
    "aws_lambda_function": "function_name",
    "aws_cloudwatch_metric_alarm": "alarm_name",
}

# resource type -> (ARN format, the argument that fills {name}); {path} is the IAM path
ARN_FORMAT: Final[dict[str, tuple[str, str]]] = {
    "aws_ses_domain_identity": ("arn:{p}:ses:{r}:{a}:identity/{name}", "domain"),
    "aws_ses_email_identity": ("arn:{p}:ses:{r}:{a}:identity/{name}", "email"),
    "aws_sesv2_email_identity": ("arn:{p}:ses:{r}:{a}:identity/{name}", "email_identity"),
    "aws_ses_configuration_set": ("arn:{p}:ses:{r}:{a}:configuration-set/{name}", "name"),
    "aws_sesv2_configuration_set": ("arn:{p}:ses:{r}:{a}:configuration-set/{name}", "configuration_set_name"),
    "aws_ses_receipt_rule_set": ("arn:{p}:ses:{r}:{a}:receipt-rule-set/{name}", "rule_set_name"),
    "aws_ses_template": ("arn:{p}:ses:{r}:{a}:template/{name}", "name"),
    "aws_sns_topic": ("arn:{p}:sns:{r}:{a}:{name}", "name"),
    "aws_sqs_queue": ("arn:{p}:sqs:{r}:{a}:{name}", "name"),
    "aws_lambda_function": ("arn:{p}:lambda:{r}:{a}:function:{name}", "function_name"),
    "aws_s3_bucket": ("arn:{p}:s3:::{name}", "bucket"),
    "aws_kinesis_firehose_delivery_stream": ("arn:{p}:firehose:{r}:{a}:deliverystream/{name}", "name"),
    "aws_cloudwatch_event_bus": ("arn:{p}:events:{r}:{a}:event-bus/{name}", "name"),
    "aws_cloudwatch_log_group": ("arn:{p}:logs:{r}:{a}:log-group:{name}", "name"),
    "aws_iam_user": ("arn:{p}:iam::{a}:user{path}{name}", "name"),
    "aws_iam_group": ("arn:{p}:iam::{a}:group{path}{name}", "name"),
    "aws_iam_role": ("arn:{p}:iam::{a}:role{path}{name}", "name"),
    "aws_iam_policy": ("arn:{p}:iam::{a}:policy{path}{name}", "name"),
}

_IAM_TYPES: Final = ("aws_iam_user", "aws_iam_group", "aws_iam_role", "aws_iam_policy")


def after_apply(address: str, attr: str) -> Unknown:
    """The Unknown of an attribute the provider only knows after apply."""
    return Unknown(f"{address}.{attr} is known only after apply")


def build_arn(resource_type: str, address: str, args: Args) -> Any:
    """The ARN of a resource in the provider's format with placeholders, or Unknown."""
    spec = ARN_FORMAT.get(resource_type)
    if spec is None:
        return after_apply(address, "arn")
    fmt, name_arg = spec
    name = args(name_arg)
    if name is None:
        return after_apply(address, "arn")
    name_text = to_text(name)
    if isinstance(name_text, Unknown):
        return name_text
    path = "/"
    if resource_type in _IAM_TYPES:
        given = args("path")
        path_text = to_text(given) if given is not None else "/"
        if isinstance(path_text, Unknown):
            return path_text
        path = path_text
    return fmt.format(
        p=PARTITION_PLACEHOLDER, r=REGION_PLACEHOLDER, a=ACCOUNT_PLACEHOLDER, path=path, name=name_text
    )


def computed_attribute(resource_type: str, address: str, attr: str, args: Args) -> Any:
    """A managed resource's attribute that is not one of its arguments."""
    if attr == "arn":
        return build_arn(resource_type, address, args)
    if attr == "id":
        source = ID_ARGUMENT.get(resource_type)
        if source == "arn":
            return build_arn(resource_type, address, args)
        if source is not None:
            value = args(source)
            return after_apply(address, "id") if value is None else value
    if (
        resource_type in ("aws_iam_user", "aws_iam_group", "aws_iam_role", "aws_iam_policy")
        and attr == "path"
    ):
        return "/"
    if resource_type == "aws_sesv2_configuration_set" and attr == "name":
        return args("configuration_set_name")
    return after_apply(address, attr)


def data_attribute(data_type: str, address: str, attr: str, args: Args) -> Any:
    """A data source's attribute: deploy-context placeholders, echoed arguments, else Unknown."""
    if data_type == "aws_caller_identity" and attr == "account_id":
        return ACCOUNT_PLACEHOLDER
    if data_type == "aws_region" and attr in ("name", "id", "region"):
        given = args("name") if attr != "region" else args("region")
        return given if given is not None else REGION_PLACEHOLDER
    if data_type == "aws_partition" and attr in ("partition", "id"):
        return PARTITION_PLACEHOLDER
    if data_type in (
        "aws_route53_zone",
        "aws_iam_policy",
        "aws_iam_role",
        "aws_iam_user",
        "aws_sns_topic",
    ) and (attr in ("name", "arn")):
        given = args(attr)
        if given is not None:
            return given
    return Unknown(f"{address}.{attr} is read from AWS at plan time")
