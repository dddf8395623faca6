"""IAM enforcement for every request: SigV4 signature, caller, and the caller's policies.

moto's own enforcement is kept off (it checks CloudWatch as ``monitoring:*``, fails SES v2 GET
signatures, and denies an Allow whose condition it cannot evaluate); this module enforces instead,
switched by the same ``POST /moto-api/reset-auth`` call (the body is the number of requests to let
through before enforcing: ``0`` = enforce now, ``inf`` = never).
"""

from __future__ import annotations

import hmac
import math
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from . import moto_bridge
from .errors import ApiError
from .iam_eval import Context, Decision, evaluate, trust_allows
from .routing import RequestInfo
from .wire import Protocol

_SIGNED_HEADERS = re.compile(r"SignedHeaders=([^,\s]+)")
_SIGNATURE = re.compile(r"Signature=([0-9a-f]+)")
_CREDENTIAL = re.compile(r"Credential=[^/]+/\d{8}/([^/]+)/([^/]+)/aws4_request")


class Enforcement:
    """When enforcement applies: after a number of free requests (moto's semantics)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._free = math.inf
        self._seen = 0

    def configure(self, free_requests: float) -> float:
        """Let ``free_requests`` more requests through unchecked, then enforce; return the old setting."""
        with self._lock:
            previous = self._free
            self._free = free_requests
            self._seen = 0
            return previous

    @property
    def enabled(self) -> bool:
        """Whether enforcement is configured at all (sooner or later)."""
        return not math.isinf(self._free)

    def due(self) -> bool:
        """Whether this request must be checked."""
        with self._lock:
            if self._seen >= self._free:
                return True
            self._seen += 1
            return False


@dataclass(frozen=True)
class SignedRequest:
    """What signature verification needs from an HTTP request."""

    method: str
    target: str  # raw path plus "?query", as sent
    headers: Mapping[str, str]
    body: bytes
    source_ip: str


def _error(kind: str, info: RequestInfo, message: str) -> ApiError:
    query, other = {
        "denied": ("AccessDenied", "AccessDeniedException"),
        "unknown-key": ("InvalidClientTokenId", "UnrecognizedClientException"),
        "signature": ("SignatureDoesNotMatch", "InvalidSignatureException"),
        "missing": ("MissingAuthenticationToken", "MissingAuthenticationTokenException"),
    }[kind]
    if info.protocol is Protocol.QUERY:
        return ApiError(query, message, 403)
    return ApiError(other, message, 403, query_code=query)


def signature_matches(request: SignedRequest, credentials: Credentials) -> bool:
    """Recompute the request's SigV4 signature with the caller's secret and compare."""
    auth = request.headers.get("Authorization", "")
    signed = _SIGNED_HEADERS.search(auth)
    given = _SIGNATURE.search(auth)
    scope = _CREDENTIAL.search(auth)
    date = request.headers.get("X-Amz-Date")
    if not (signed and given and scope and date):
        return False
    names = set(signed.group(1).split(";"))
    headers = {k: v for k, v in request.headers.items() if k.lower() in names}
    aws_request = AWSRequest(method=request.method, url=request.target, data=request.body, headers=headers)
    aws_request.context["timestamp"] = date
    signer = SigV4Auth(credentials, scope.group(2), scope.group(1))
    canonical = signer.canonical_request(aws_request)
    expected = signer.signature(signer.string_to_sign(aws_request, canonical), aws_request)
    return hmac.compare_digest(expected, given.group(1))


def authorize(
    info: RequestInfo,
    account_id: str,
    request: SignedRequest,
    resource: str,
    role_arn: str | None = None,
    service_keys: Mapping[str, str] | None = None,
) -> None:
    """Raise :class:`ApiError` unless the caller is authenticated and allowed ``info.iam_action``."""
    if info.access_key is None:
        raise _error("missing", info, "Request is missing Authentication Token")
    caller = moto_bridge.caller_for(account_id, info.access_key, request.headers)
    if caller is None:
        raise _error("unknown-key", info, "The security token included in the request is invalid.")
    if not signature_matches(request, caller.credentials):
        raise _error(
            "signature",
            info,
            "The request signature we calculated does not match the signature you provided.",
        )
    action = info.iam_action
    if action is None:
        raise _error("denied", info, f"User: {caller.arn} is not authorized: unknown operation")
    if action.lower() == "sts:getcalleridentity":
        return
    keys = {
        "aws:SourceIp": request.source_ip,
        "aws:RequestedRegion": info.region,
        "aws:PrincipalArn": caller.arn,
        "aws:PrincipalAccount": caller.account_id,
        "aws:SecureTransport": "false",
        **(service_keys or {}),
    }
    ctx = Context(action=action, resource=role_arn or resource, principal_arn=caller.arn, keys=keys)
    decision = evaluate(caller.policies, ctx)
    if role_arn is not None and action.lower() == "sts:assumerole":
        trust = moto_bridge.role_trust_policy(role_arn)
        if trust is None or not trust_allows(trust, ctx, caller.account_id):
            decision = Decision.IMPLICIT_DENY if decision is Decision.ALLOW else decision
    if decision is not Decision.ALLOW:
        because = (
            "with an explicit deny" if decision is Decision.EXPLICIT_DENY else "because no policy allows it"
        )
        raise _error(
            "denied",
            info,
            f"User: {caller.arn} is not authorized to perform: {action} on resource: {resource} {because}",
        )
