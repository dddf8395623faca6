"""IAM policy documents: ``data "aws_iam_policy_document"`` converted to IAM JSON, and policy values parsed."""

from __future__ import annotations

from typing import Any

from sesguard.model import Unknown, is_unknown
from sesguard.sources.terraform.values import decode_json


def _present(value: Any) -> bool:
    return is_unknown(value) or (value is not None and value != [] and value != "")


def _collapse(values: Any) -> Any:
    """Terraform writes a one-element list as a plain string; do the same so both readers agree."""
    if isinstance(values, list) and len(values) == 1 and isinstance(values[0], str):
        return values[0]
    return values


def _blocks(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, list):
        return value
    return [value]


def _principals(blocks: Any) -> Any:
    if is_unknown(blocks):
        return blocks
    result: dict[str, Any] = {}
    for block in _blocks(blocks):
        if not isinstance(block, dict):
            return block if is_unknown(block) else Unknown("principals block could not be resolved")
        kind, ids = block.get("type"), block.get("identifiers")
        if is_unknown(kind):
            return kind
        if kind == "*" and isinstance(ids, list) and ids == ["*"]:
            return "*"
        existing = result.get(str(kind))
        merged = ids if existing is None else _as_list(existing) + _as_list(ids)
        result[str(kind)] = _collapse(merged)
    return result


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _conditions(blocks: Any) -> Any:
    if is_unknown(blocks):
        return blocks
    result: dict[str, Any] = {}
    for block in _blocks(blocks):
        if not isinstance(block, dict):
            return block if is_unknown(block) else Unknown("condition block could not be resolved")
        test, variable = block.get("test"), block.get("variable")
        if is_unknown(test) or is_unknown(variable):
            return test if is_unknown(test) else variable
        result.setdefault(str(test), {})[str(variable)] = _collapse(block.get("values"))
    return result


def _statement(block: Any) -> Any:
    if not isinstance(block, dict):
        return block if is_unknown(block) else Unknown("statement block could not be resolved")
    statement: dict[str, Any] = {}
    if is_unknown(block.get("sid")) or block.get("sid") not in (None, ""):
        statement["Sid"] = block["sid"]
    statement["Effect"] = block.get("effect") if block.get("effect") is not None else "Allow"
    for arg, key in (
        ("actions", "Action"),
        ("not_actions", "NotAction"),
        ("resources", "Resource"),
        ("not_resources", "NotResource"),
    ):
        if block.get(arg) is not None and block.get(arg) != []:
            statement[key] = _collapse(block[arg])
    for arg, key in (("principals", "Principal"), ("not_principals", "NotPrincipal")):
        if _present(block.get(arg)):
            statement[key] = _principals(block[arg])
    if _present(block.get("condition")):
        statement["Condition"] = _conditions(block["condition"])
    return statement


def _merge_statements(base: list[Any], extra: list[Any]) -> list[Any]:
    """Statements of ``extra`` replace those of ``base`` with the same Sid, others are appended."""
    result = list(base)
    for stmt in extra:
        sid = stmt.get("Sid") if isinstance(stmt, dict) else None
        index = next(
            (i for i, s in enumerate(result) if sid and isinstance(s, dict) and s.get("Sid") == sid), None
        )
        if index is None:
            result.append(stmt)
        else:
            result[index] = stmt
    return result


def _statements_of(document: Any, what: str) -> list[Any] | Unknown:
    parsed = decode_json(document, what)
    if isinstance(parsed, Unknown):
        return parsed
    if not isinstance(parsed, dict):
        return Unknown(f"{what} is not a policy document")
    statements = parsed.get("Statement", [])
    return statements if isinstance(statements, list) else [statements]


def _merge_documents(
    statements: list[Any], values: dict[str, Any], args: tuple[str, ...]
) -> list[Any] | Unknown:
    """``statements`` merged with the statements of the documents given in ``args`` (in order)."""
    for arg in args:
        documents = values.get(arg)
        if documents is None:
            continue
        if isinstance(documents, Unknown):
            return documents
        for document in _as_list(documents):
            found = _statements_of(document, arg)
            if isinstance(found, Unknown):
                return found
            statements = _merge_statements(statements, found)
    return statements


def policy_document_from_data(values: dict[str, Any]) -> dict[str, Any] | Unknown:
    """The IAM JSON (as a dict) that ``data "aws_iam_policy_document"`` with these arguments produces."""
    statements = _merge_documents([], values, ("source_policy_documents", "source_json"))
    if isinstance(statements, Unknown):
        return statements
    own = values.get("statement")
    if isinstance(own, Unknown):
        return Unknown(own.reason)
    statements = _merge_statements(statements, [_statement(b) for b in _blocks(own)])
    statements = _merge_documents(statements, values, ("override_policy_documents", "override_json"))
    if isinstance(statements, Unknown):
        return statements
    version = values.get("version")
    document: dict[str, Any] = {"Version": version if version is not None else "2012-10-17"}
    if values.get("policy_id") is not None:
        document["Id"] = values["policy_id"]
    document["Statement"] = statements
    return document


def policy_document(value: Any, what: str) -> Any:
    """A policy argument (JSON string, jsonencode result) as a dict, or Unknown saying why not."""
    if value is None:
        return Unknown(f"{what} is not set")
    parsed = decode_json(value, what)
    if is_unknown(parsed):
        return parsed
    if not isinstance(parsed, dict):
        return Unknown(f"{what} is not a policy document")
    return parsed
