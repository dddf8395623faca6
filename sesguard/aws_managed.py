"""Documents of AWS-managed IAM policies that matter for sending, for templates that only name them.

Templates attach AWS-managed policies by ARN without their documents; the live reader gets the real
documents from IAM. Policies not listed here resolve to Unknown (never guessed).
"""

from __future__ import annotations

from typing import Any, Final


def _allow(*actions: str) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": list(actions), "Resource": "*"}],
    }


AWS_MANAGED_POLICY_DOCUMENTS: Final[dict[str, dict[str, Any]]] = {
    "AdministratorAccess": _allow("*"),
    "PowerUserAccess": {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "NotAction": ["iam:*", "organizations:*", "account:*"], "Resource": "*"}
        ],
    },
    "AmazonSESFullAccess": _allow("ses:*"),
    "AmazonSESReadOnlyAccess": _allow("ses:Get*", "ses:List*", "ses:Describe*"),
    "ReadOnlyAccess": _allow("ses:Get*", "ses:List*", "ses:Describe*", "iam:Get*", "iam:List*"),
    # The policies SAM attaches to the execution roles it creates (sources/cfn/sam_roles.py), as the
    # AWS Managed Policy reference documents them (docs.aws.amazon.com/aws-managed-policy/latest/reference/).
    "AWSLambdaBasicExecutionRole": _allow("logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"),
    "AWSLambdaVPCAccessExecutionRole": _allow(
        "logs:CreateLogGroup",
        "logs:CreateLogStream",
        "logs:PutLogEvents",
        "ec2:CreateNetworkInterface",
        "ec2:DescribeNetworkInterfaces",
        "ec2:DescribeSubnets",
        "ec2:DeleteNetworkInterface",
        "ec2:AssignPrivateIpAddresses",
        "ec2:UnassignPrivateIpAddresses",
    ),
    "AWSXrayWriteOnlyAccess": _allow(
        "xray:PutTraceSegments",
        "xray:PutTelemetryRecords",
        "xray:GetSamplingRules",
        "xray:GetSamplingTargets",
        "xray:GetSamplingStatisticSummaries",
    ),
}

AWS_MANAGED_ARN_PREFIXES: Final = (
    "arn:aws:iam::aws:policy/",
    "arn:aws-us-gov:iam::aws:policy/",
    "arn:aws-cn:iam::aws:policy/",
    # The partition as templates write it: CloudFormation's pseudo parameter (the resolver keeps
    # ``!Sub "arn:${AWS::Partition}:..."`` symbolic) and the Terraform reader's placeholder.
    "arn:${AWS::Partition}:iam::aws:policy/",
    "arn:<partition>:iam::aws:policy/",
)


def aws_managed_policy_name(arn: str) -> str | None:
    """The policy name of an AWS-managed policy ARN (path stripped), or None for other ARNs."""
    for prefix in AWS_MANAGED_ARN_PREFIXES:
        if arn.startswith(prefix):
            return arn[len(prefix) :].rsplit("/", 1)[-1]
    return None


def aws_managed_policy_document(arn: str) -> dict[str, Any] | None:
    """The known document of an AWS-managed policy ARN, or None when sesguard does not know it."""
    name = aws_managed_policy_name(arn)
    return AWS_MANAGED_POLICY_DOCUMENTS.get(name) if name else None
