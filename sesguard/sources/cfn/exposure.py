"""Template-wide credential checks: secret keys flowing into outputs or properties, literal credentials."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any, Final

from sesguard.secrets import find_literal_credentials, pair_name
from sesguard.sources.cfn.reader import line_of

SECRET_ATTRIBUTES: Final = frozenset({"SecretAccessKey"})
# Where a secret may go: a secret store. (AWS::SSM::Parameter cannot be a SecureString in CloudFormation.)
SECRET_STORES: Final = {"AWS::SecretsManager::Secret": "SecretString"}
_SUB_REFERENCE: Final = re.compile(r"\$\{([A-Za-z0-9]+)\.(SecretAccessKey)\}")


def _walk(
    node: Any, path: tuple[str, ...], line: int | None
) -> Iterator[tuple[tuple[str, ...], Any, int | None]]:
    line = line_of(node) or line
    yield path, node, line
    if isinstance(node, Mapping):
        for key, value in node.items():
            yield from _walk(value, (*path, str(key)), line_of(key) or line)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk(value, (*path, f"[{index}]"), line)


def _secret_reference(node: Any, resources: Mapping[str, Any]) -> str | None:
    """``X.SecretAccessKey`` when the node reads an access key's secret, else None."""
    if isinstance(node, Mapping) and len(node) == 1:
        ((key, arg),) = node.items()
        if key == "Fn::GetAtt":
            parts = arg.split(".", 1) if isinstance(arg, str) else arg
            if isinstance(parts, list) and len(parts) == 2 and str(parts[1]) in SECRET_ATTRIBUTES:
                return f"{parts[0]}.{parts[1]}"
        if key == "Fn::Sub":
            text = arg if isinstance(arg, str) else (arg[0] if isinstance(arg, list) and arg else "")
            match = _SUB_REFERENCE.search(str(text))
            if match and match.group(1) in resources:
                return f"{match.group(1)}.{match.group(2)}"
    return None


def _allowed(path: tuple[str, ...], resources: Mapping[str, Any]) -> bool:
    if len(path) >= 4 and path[0] == "Resources" and path[2] == "Properties":
        body = resources.get(path[1])
        rtype = body.get("Type") if isinstance(body, Mapping) else None
        return SECRET_STORES.get(str(rtype)) == path[3]
    return False


def _where(path: tuple[str, ...]) -> str:
    section = path[0] if path else "template"
    readable = {
        "Outputs": "stack output",
        "Parameters": "parameter default",
        "Resources": "resource property",
    }
    if "Tags" in path:
        return "tag"
    return readable.get(section, section)


def secret_exposures(template: Mapping[str, Any], file: str) -> list[dict[str, Any]]:
    """Places where an access key's secret leaves the secret store (SES-IAM-009)."""
    resources = template.get("Resources") if isinstance(template.get("Resources"), Mapping) else {}
    assert isinstance(resources, Mapping)
    found = []
    for path, node, line in _walk(template, (), None):
        reference = _secret_reference(node, resources)
        if reference and not _allowed(path, resources):
            found.append(
                {
                    "where": _where(path),
                    "detail": f"{'.'.join(path)} takes {reference}",
                    "file": file,
                    "line": line,
                }
            )
    return found


def literal_credentials(template: Mapping[str, Any], file: str) -> list[dict[str, Any]]:
    """Literal access key IDs and secret-shaped values in credential-named fields (SES-IAM-010), masked."""
    found = []
    named: dict[tuple[str, ...], str] = {}  # the path of a pair's value -> the name its sibling gives it
    for path, node, line in _walk(template, (), None):
        if isinstance(node, Mapping):
            pair = pair_name({str(k): v if isinstance(v, str) else None for k, v in node.items()})
            if pair is not None:
                named[(*path, pair[0])] = pair[1]
        if not isinstance(node, str):
            continue
        field = ".".join(p for p in path if not p.startswith("["))
        if path in named:  # ``{Name: SMTP_PASSWORD, Value: ...}``: the value is judged by that name
            field = f"{field.rsplit('.', 1)[0]}.{named[path]}"
        for credential in find_literal_credentials(field, str(node)):
            found.append(
                {
                    "kind": credential.kind,
                    "masked": credential.masked,
                    "field": ".".join(path),
                    "file": file,
                    "line": line,
                }
            )
    return found
