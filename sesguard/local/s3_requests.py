"""What an S3 request is for IAM: its operation, the action IAM checks, the resource and condition keys.

S3 actions are not the operation names (``ListObjectsV2`` is authorized as ``s3:ListBucket`` on the
bucket, with the ``s3:prefix`` condition key; ``GetObject``/``HeadObject`` as ``s3:GetObject`` on
``arn:aws:s3:::bucket/key``), per the Service Authorization Reference for Amazon S3. Path-style
requests only (botocore uses them for an IP endpoint such as 127.0.0.1). A request this module does
not recognize has no action, and enforcement denies it (fail closed).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final
from urllib.parse import parse_qsl, unquote

# (method, on an object?, query sub-resource or None) -> (operation, IAM action)
_OPERATIONS: Final[dict[tuple[str, bool, str | None], tuple[str, str]]] = {
    ("GET", False, "list-type"): ("ListObjectsV2", "s3:ListBucket"),
    ("GET", False, None): ("ListObjects", "s3:ListBucket"),
    ("HEAD", False, None): ("HeadBucket", "s3:ListBucket"),
    ("GET", False, "location"): ("GetBucketLocation", "s3:GetBucketLocation"),
    ("PUT", False, None): ("CreateBucket", "s3:CreateBucket"),
    ("DELETE", False, None): ("DeleteBucket", "s3:DeleteBucket"),
    ("GET", True, None): ("GetObject", "s3:GetObject"),
    ("HEAD", True, None): ("HeadObject", "s3:GetObject"),
    ("PUT", True, None): ("PutObject", "s3:PutObject"),
    ("DELETE", True, None): ("DeleteObject", "s3:DeleteObject"),
}
_SUBRESOURCES = ("list-type", "location")


@dataclass(frozen=True)
class S3Request:
    """An S3 request as IAM evaluates it."""

    operation: str | None
    action: str | None
    resource: str
    keys: Mapping[str, str] = field(default_factory=dict)


def describe(method: str, raw_path: str, raw_query: str) -> S3Request:
    """The operation, IAM action, resource ARN and S3 condition keys of a path-style request."""
    query = dict(parse_qsl(raw_query, keep_blank_values=True))
    path = raw_path.lstrip("/")
    if not path:
        if method == "GET":
            return S3Request("ListBuckets", "s3:ListAllMyBuckets", "*")
        return S3Request(None, None, "*")
    bucket, _, key = path.partition("/")
    bucket, key = unquote(bucket), unquote(key)
    known = [name for name in _SUBRESOURCES if name in query]
    other = [name for name in query if not name.startswith(("X-Amz-", "x-amz-")) and name not in (
        "prefix", "delimiter", "max-keys", "marker", "continuation-token", "start-after", "encoding-type",
        "fetch-owner", "versionId", "partNumber", "response-content-type",
    )]  # fmt: skip
    if other and not known:
        return S3Request(None, None, f"arn:aws:s3:::{bucket}")
    found = _OPERATIONS.get((method, bool(key), known[0] if known else None))
    if found is None:
        return S3Request(None, None, f"arn:aws:s3:::{bucket}")
    operation, action = found
    if key:
        return S3Request(operation, action, f"arn:aws:s3:::{bucket}/{key}")
    keys = {"s3:prefix": query.get("prefix", "")} if action == "s3:ListBucket" else {}
    return S3Request(operation, action, f"arn:aws:s3:::{bucket}", keys)
