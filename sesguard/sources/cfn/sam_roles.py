"""The execution roles SAM creates for ``AWS::Serverless::Function`` and ``StateMachine`` (docs/sam.md).

The SAM transform (``AWS::Serverless-2016-10-31``) gives a function or state machine that names no
``Role`` an IAM role ``<LogicalId>Role`` holding its ``Policies``: AWS-managed policy names, policy
ARNs, inline policy documents and SAM policy templates (``SESCrudPolicy: {IdentityName: ...}``).
This module adds that role to the template as the ``AWS::IAM::Role`` SAM deploys, so the IAM analysis
reads it exactly like a role written by hand. AWS's own library (aws-sam-translator) does the parts
that are SAM's: merging ``Globals``, telling the kinds of ``Policies`` entries apart, expanding the
policy templates (its ``policy_templates.json``, the source of truth) and mapping managed policy names
to ARNs. The role itself is built as SAM's ``construct_role_for_resource`` builds it (base policies for
Lambda logs, X-Ray tracing, VPC access, the dead-letter queue; ``Fn::If`` entries; a ``Role`` given in
one branch only). Policies SAM adds for event sources (SQS, Kinesis, DynamoDB streams ...) are not
added: none grants an SES action.

Fail closed: an entry SAM would reject (a template with a missing parameter, an unknown template
name, unreadable ``Globals``) becomes an inline policy with an Unknown document naming the problem, so
the role's facts are Unknown, never a pass. A parameter without default in a template argument stays
a ``Ref`` and resolves to Unknown like any other.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any, Final

from sesguard.model import Unknown

ROLE_SERVICES: Final = {
    "AWS::Serverless::Function": "lambda.amazonaws.com",
    "AWS::Serverless::StateMachine": "states.amazonaws.com",
}
_MANAGED: Final = "arn:aws:iam::aws:policy/"
LAMBDA_BASIC: Final = _MANAGED + "service-role/AWSLambdaBasicExecutionRole"
LAMBDA_DURABLE: Final = _MANAGED + "service-role/AWSLambdaBasicDurableExecutionRolePolicy"
LAMBDA_VPC: Final = _MANAGED + "service-role/AWSLambdaVPCAccessExecutionRole"
XRAY_NAME: Final = "AWSXrayWriteOnlyAccess"  # the name SAM uses in the aws partition
_DLQ_ACTIONS: Final = {"SQS": "sqs:SendMessage", "SNS": "sns:Publish"}
_NO_VALUE: Final = {"Ref": "AWS::NoValue"}


def with_sam_roles(template: Mapping[str, Any]) -> Mapping[str, Any]:
    """``template`` with the execution role of each SAM function / state machine that names no
    ``Role`` (unchanged when there is none)."""
    resources = template.get("Resources")
    if not isinstance(resources, Mapping):
        return template
    sam = [(key, body) for key, body in resources.items() if _sam_type(body) is not None]
    if not sam:
        return template
    builder = _RoleBuilder(template)
    added: dict[Any, Any] = {}
    for key, body in sam:
        role_id = f"{key}Role"
        if role_id in resources:
            continue  # SAM would refuse the duplicate logical ID; the written resource is read
        role = builder.role(str(key), body)
        if role is not None:
            added[_same_line_key(key, role_id)] = role
    if not added:
        return template
    conditions = template.get("Conditions")
    result = dict(template)
    result["Resources"] = {**resources, **added}
    if builder.new_conditions:
        result["Conditions"] = {
            **(conditions if isinstance(conditions, Mapping) else {}),
            **builder.new_conditions,
        }
    return result


def _sam_type(body: Any) -> str | None:
    rtype = body.get("Type") if isinstance(body, Mapping) else None
    return rtype if rtype in ROLE_SERVICES else None


def _same_line_key(key: Any, role_id: str) -> Any:
    """The role's logical ID, marked with the line of the function it belongs to (rows point there)."""
    mark = getattr(key, "start_mark", None)
    if mark is None:
        return role_id
    from cfnlint.decode.node import str_node

    return str_node(role_id, mark, getattr(key, "end_mark", mark))


class _RoleBuilder:
    """Builds SAM execution roles for one template."""

    def __init__(self, template: Mapping[str, Any]) -> None:
        from samtranslator.internal.managed_policies import get_bundled_managed_policy_map
        from samtranslator.plugins.globals.globals import Globals

        self.processor = _processor()
        self.managed_arns: Mapping[str, str] = get_bundled_managed_policy_map("aws") or {}
        params = template.get("Parameters")
        self.parameters: Mapping[str, Any] = params if isinstance(params, Mapping) else {}
        self.new_conditions: dict[str, Any] = {}
        self.globals: Any = None
        self.globals_problem: str | None = None
        try:
            self.globals = Globals({"Globals": _plain(template["Globals"])} if "Globals" in template else {})
        except Exception as exc:  # SAM rejects the Globals section: the roles are not known
            self.globals_problem = f"SAM Globals cannot be read: {_message(exc)}"

    def role(self, logical_id: str, body: Mapping[str, Any]) -> dict[str, Any] | None:
        rtype = str(body["Type"])
        raw = body.get("Properties")
        props: dict[str, Any] = dict(raw) if isinstance(raw, Mapping) else {}
        problems: list[str] = [self.globals_problem] if self.globals_problem else []
        if raw is not None and not isinstance(raw, Mapping):
            problems.append(f"Properties of {logical_id} is not an object (SAM rejects it)")
        if self.globals is not None:
            try:
                props = self.globals.merge(rtype, _plain(props), logical_id, body.get("IgnoreGlobals"))
            except Exception as exc:
                problems.append(f"SAM Globals cannot be merged into {logical_id}: {_message(exc)}")
        condition = body.get("Condition")
        given = props.get("Role")
        if given is not None:
            only_in = self._role_absent_when(given)
            if only_in is False:
                return None  # the function uses the role it names: SAM creates none
            if only_in is not True:
                condition = only_in
        role_id = f"{logical_id}Role"
        managed: list[Any] = []
        documents: list[Any] = []
        if rtype == "AWS::Serverless::Function":
            self._function_basics(props, managed, documents)
        policies = props.get("Policies")
        if rtype == "AWS::Serverless::StateMachine":
            tracing = props.get("Tracing")
            if isinstance(tracing, Mapping) and tracing.get("Enabled") is True:
                policies = [
                    *(policies if isinstance(policies, list) else [policies] if policies else []),
                    XRAY_NAME,
                ]
        self._policies(logical_id, role_id, policies, managed, documents, problems)
        for index, problem in enumerate(problems):
            documents.append(
                {"PolicyName": f"{role_id}Unreadable{index}", "PolicyDocument": Unknown(problem)}
            )
        properties: dict[str, Any] = {
            "AssumeRolePolicyDocument": _assume_role(
                props.get("AssumeRolePolicyDocument"), ROLE_SERVICES[rtype]
            ),
            "ManagedPolicyArns": managed,
        }
        if documents:
            properties["Policies"] = documents
        for sam_name, iam_name in (("RolePath", "Path"), ("PermissionsBoundary", "PermissionsBoundary")):
            if props.get(sam_name) is not None:
                properties[iam_name] = props[sam_name]
        role: dict[str, Any] = {"Type": "AWS::IAM::Role", "Properties": properties}
        if condition is not None:
            role["Condition"] = condition
        return role

    def _role_absent_when(self, given: Any) -> Any:
        """Whether SAM creates a role despite ``Role``: False (it does not), True (always: both
        branches of an Fn::If are AWS::NoValue), or the condition under which it does."""
        branches = given.get("Fn::If") if isinstance(given, Mapping) and len(given) == 1 else None
        if not (isinstance(branches, list) and len(branches) == 3 and isinstance(branches[0], str)):
            return False
        condition, when_true, when_false = branches
        if when_true == _NO_VALUE and when_false == _NO_VALUE:
            return True
        if when_true == _NO_VALUE:
            return condition
        if when_false == _NO_VALUE:
            negated = f"NOT{condition}"
            self.new_conditions[negated] = {"Fn::Not": [{"Condition": condition}]}
            return negated
        return False

    def _function_basics(self, props: Mapping[str, Any], managed: list[Any], documents: list[Any]) -> None:
        """The policies SAM gives every function role: logs (or durable execution), X-Ray, VPC, DLQ."""
        managed.append(LAMBDA_DURABLE if props.get("DurableConfig") else LAMBDA_BASIC)
        tracing = props.get("Tracing")
        if isinstance(tracing, Mapping) and set(tracing) == {"Ref"}:
            spec = self.parameters.get(tracing["Ref"])
            if isinstance(spec, Mapping) and "Default" in spec:
                tracing = spec["Default"]  # SAM resolves a parameter's default here
        if tracing and tracing != "Disabled":
            managed.append(_MANAGED + XRAY_NAME)
        if props.get("VpcConfig"):
            managed.append(LAMBDA_VPC)
        queue = props.get("DeadLetterQueue")
        if isinstance(queue, Mapping) and queue.get("Type") in _DLQ_ACTIONS:
            statement = {
                "Action": _DLQ_ACTIONS[queue["Type"]],
                "Resource": queue.get("TargetArn"),
                "Effect": "Allow",
            }
            documents.append(
                {
                    "PolicyName": "DeadLetterQueuePolicy",
                    "PolicyDocument": {"Version": "2012-10-17", "Statement": [statement]},
                }
            )

    def _policies(
        self,
        logical_id: str,
        role_id: str,
        policies: Any,
        managed: list[Any],
        documents: list[Any],
        problems: list[str],
    ) -> None:
        """SAM's ``Policies`` entries as managed policy ARNs and inline policies of the role."""
        from samtranslator.model.resource_policies import PolicyTypes, ResourcePolicies

        try:
            entries = list(ResourcePolicies({"Policies": _plain(policies)}, self.processor).get())
        except Exception as exc:  # an Fn::If mixing kinds of entries: SAM rejects the template
            problems.append(f"Policies of {logical_id} cannot be read as SAM reads them: {_message(exc)}")
            return
        for index, entry in enumerate(entries):
            name = f"{role_id}Policy{index}"
            if entry.type is PolicyTypes.MANAGED_POLICY:
                arn = _each_branch(entry.data, self._managed_arn)
                if arn not in managed:
                    managed.append(arn)
            elif entry.type is PolicyTypes.POLICY_STATEMENT:
                documents.append(
                    _each_branch(entry.data, lambda d, n=name: {"PolicyName": n, "PolicyDocument": d})
                )
            elif entry.type is PolicyTypes.POLICY_TEMPLATE:
                documents.append(
                    _each_branch(
                        entry.data,
                        lambda t, n=name, i=index: {
                            "PolicyName": n,
                            "PolicyDocument": self._template(logical_id, i, t),
                        },
                    )
                )
            else:
                what = (
                    next(iter(entry.data))
                    if isinstance(entry.data, Mapping) and len(entry.data) == 1
                    else None
                )
                problems.append(
                    f"Policies item {index} of {logical_id}"
                    + (f" ({what})" if what else "")
                    + " is neither a policy document, a managed policy nor a SAM policy template "
                    "known to aws-sam-translator (SAM rejects it)"
                )

    def _managed_arn(self, value: Any) -> Any:
        """A managed policy name as the ARN SAM puts in ``ManagedPolicyArns`` (ARNs and intrinsic
        values as they are)."""
        if isinstance(value, str):
            return self.managed_arns.get(value, value)
        return value

    def _template(self, logical_id: str, index: int, entry: Any) -> Any:
        """The policy document a policy template expands to, as SAM expands it."""
        ((name, arguments),) = entry.items()
        try:
            return self.processor.convert(name, _plain(arguments))
        except Exception as exc:
            return Unknown(
                f"SAM policy template {name} (Policies item {index} of {logical_id}) cannot be expanded: "
                f"{_message(exc)} (SAM rejects it)"
            )


@functools.cache
def _processor() -> Any:
    """SAM's policy templates (aws-sam-translator's policy_templates.json), read once per run."""
    from samtranslator.policy_template_processor.processor import PolicyTemplatesProcessor

    return PolicyTemplatesProcessor(PolicyTemplatesProcessor.get_default_policy_templates_json())


def _each_branch(value: Any, convert: Any) -> Any:
    """``convert(value)``, or an Fn::If with each branch that is not AWS::NoValue converted."""
    branches = value.get("Fn::If") if isinstance(value, Mapping) and len(value) == 1 else None
    if isinstance(branches, list) and len(branches) == 3:
        condition, when_true, when_false = branches
        return {
            "Fn::If": [
                condition,
                when_true if when_true == _NO_VALUE else convert(when_true),
                when_false if when_false == _NO_VALUE else convert(when_false),
            ]
        }
    return convert(value)


def _assume_role(given: Any, service: str) -> Any:
    if given is not None:
        return given
    return {
        "Version": "2012-10-17",
        "Statement": [{"Action": ["sts:AssumeRole"], "Effect": "Allow", "Principal": {"Service": [service]}}],
    }


def _plain(value: Any) -> Any:
    """``value`` as plain dicts, lists and strings (the SAM library compares types exactly)."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    return value


def _message(exc: Exception) -> str:
    text = getattr(exc, "message", None)
    return str(text if isinstance(text, str) else exc) or type(exc).__name__
