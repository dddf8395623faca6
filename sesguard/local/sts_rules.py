"""STS as strict as AWS: AssumeRole only into roles that exist and trust the caller; credentials expire.

moto 5.2.5 lets anyone assume any role ARN (existing or not) and never expires the credentials it
hands out. AWS does neither, and a scanner that only ever met moto would not notice either. These
rules apply to every request, with or without IAM enforcement:

- ``AssumeRole`` into a role that does not exist, or whose trust policy does not allow the caller
  (``sts:ExternalId`` conditions included), answers ``AccessDenied`` (HTTP 403), as AWS does
  (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html, "Errors" and
  https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-user_externalid.html).
- ``DurationSeconds`` above the role's ``MaxSessionDuration`` answers ``ValidationError`` (400)
  (same page, ``DurationSeconds``).
- A request signed with assumed-role credentials after their ``Expiration`` answers
  ``ExpiredToken`` (``ExpiredTokenException`` for JSON services), HTTP 403
  (https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html).
- Test hook: ``credential_lifetime`` (``POST /_sesguard/sts/credential-lifetime``) makes the
  credentials of later ``AssumeRole`` calls last that many seconds (the response's ``Expiration``
  says so), so tests can outlast them.
"""

from __future__ import annotations

import datetime as dt
import io
import threading
from typing import Any
from urllib.parse import urlencode

from . import moto_bridge
from .errors import ApiError
from .iam_eval import Context, trust_allows
from .routing import RequestInfo
from .wire import Protocol

ASSUME_ROLE = "sts:AssumeRole"


class StsRules:
    """The STS rules above, and the credential-lifetime test hook."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._lifetime: int | None = None

    def configure(self, lifetime_seconds: int | None) -> int | None:
        """Make later AssumeRole credentials last ``lifetime_seconds`` (None = as requested)."""
        if lifetime_seconds is not None and lifetime_seconds < 1:
            raise ValueError("the credential lifetime must be at least 1 second")
        with self._lock:
            previous, self._lifetime = self._lifetime, lifetime_seconds
            return previous

    def check(
        self,
        info: RequestInfo,
        account_id: str,
        form: dict[str, str],
        headers: dict[str, str],
        environ: dict[str, Any],
    ) -> None:
        """Raise :class:`ApiError` for an expired token or a refused AssumeRole; apply the lifetime hook."""
        if info.access_key:
            expiration = moto_bridge.assumed_role_expiration(info.access_key)
            if expiration is not None and expiration <= dt.datetime.now(dt.UTC):
                code = "ExpiredToken" if info.protocol is Protocol.QUERY else "ExpiredTokenException"
                raise ApiError(
                    code, "The security token included in the request is expired", 403, query_code="ExpiredToken"
                )
        if info.iam_action == ASSUME_ROLE:
            self._assume_role(info, account_id, form, headers, environ)

    def _assume_role(
        self,
        info: RequestInfo,
        account_id: str,
        form: dict[str, str],
        headers: dict[str, str],
        environ: dict[str, Any],
    ) -> None:
        role_arn = form.get("RoleArn", "")
        caller = moto_bridge.caller_for(account_id, info.access_key, headers) if info.access_key else None
        caller_arn = caller.arn if caller else f"arn:aws:iam::{account_id}:root"
        denied = ApiError(
            "AccessDenied",
            f"User: {caller_arn} is not authorized to perform: sts:AssumeRole on resource: {role_arn}",
            403,
        )
        facts = moto_bridge.role_facts(role_arn)
        if facts is None:
            raise denied
        trust, max_duration = facts
        keys = {"aws:PrincipalArn": caller_arn, "aws:PrincipalAccount": account_id}
        if form.get("ExternalId"):
            keys["sts:ExternalId"] = form["ExternalId"]
        ctx = Context(action=ASSUME_ROLE, resource=role_arn, principal_arn=caller_arn, keys=keys)
        if not trust_allows(trust, ctx, account_id):
            raise denied
        requested = int(form.get("DurationSeconds") or 3600)
        if requested > max_duration:
            raise ApiError(
                "ValidationError",
                "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
                400,
            )
        with self._lock:
            lifetime = self._lifetime
        if lifetime is not None:
            _rewrite_form(environ, {**form, "DurationSeconds": str(lifetime)})


def _rewrite_form(environ: dict[str, Any], form: dict[str, str]) -> None:
    """Replace the form body moto will read (its signature was checked already, if at all)."""
    body = urlencode(form).encode()
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
