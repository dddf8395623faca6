"""What to do about an AWS error code, in one sentence (used by the live reader and the terminal)."""

from __future__ import annotations

from typing import Final

# What a disabled opt-in region answers (an unknown token or client there).
OPT_IN_CODES: Final = frozenset(
    {"UnrecognizedClientException", "InvalidClientTokenId", "AuthFailure", "OptInRequired"}
)

_FIXES: Final = (
    (
        frozenset({"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "AuthorizationError"}),
        "allow the scanning principal the actions of sesguard/iam-readonly-policy.json (check SCPs and "
        "permission boundaries too)",
    ),
    (
        frozenset(
            {"Throttling", "ThrottlingException", "TooManyRequestsException", "RequestLimitExceeded",
             "RequestThrottled", "SlowDown"}
        ),
        "run again later, or split the scan (--shard K/N) so fewer calls go to one account and region at once",
    ),
    (
        frozenset({"ExpiredToken", "ExpiredTokenException", "RequestExpired"}),
        "renew the credentials (e.g. aws sso login, or a new session) and run again",
    ),
    (
        OPT_IN_CODES,
        "enable the region for the account (AWS console > Account > AWS Regions) or leave it out of --regions",
    ),
    (
        frozenset({"EndpointConnectionError", "ConnectTimeoutError", "ConnectionClosedError",
                   "ProxyConnectionError"}),
        "check the network path to the AWS endpoint (proxy, firewall, AWS_ENDPOINT_URL) and run again",
    ),
)


def fix_for(code: str) -> str | None:
    """What to do about a failure with this AWS code, in one sentence (None when it depends)."""
    for codes, fix in _FIXES:
        if code in codes:
            return fix
    return None
