"""What a live scan reads and how: :class:`LiveOptions`."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from sesguard.shards import Shard

ALL_REGIONS: Final = "all"
_ACCOUNT_ID: Final = re.compile(r"^\d{12}$")
# AWS STS AssumeRole: ExternalId 2-1224 characters of [\w+=,.@:/-]; DurationSeconds 900-43200.
_EXTERNAL_ID: Final = re.compile(r"[\w+=,.@:/-]{2,1224}", re.ASCII)
MIN_SESSION: Final = 900
MAX_SESSION: Final = 43200
DEFAULT_SESSION: Final = 3600


@dataclass
class LiveOptions:
    """Options of :func:`sesguard.sources.live.collect_live`.

    ``regions``: None = the session's region; ``["all"]`` = every region where SES v2 is offered
    (botocore's endpoint data for the partition) that is enabled for the account (EC2
    ``DescribeRegions``, which lists only enabled regions: disabled opt-in regions are left out).
    ``assume_role`` is a role *name* assumed in each of ``accounts`` and/or every ACTIVE account of
    the ``organization`` (both given: their union), with ``external_id`` if the roles' trust policies
    require one, for ``role_session_duration`` seconds at a time (refreshed as they expire). The
    caller's own account is read with the caller's credentials. Without them only the caller's own
    account is read. ``all_regions_strict``: evaluate the alarm and VDM policies in every region,
    also where the account has no identity and sent nothing (otherwise those rows skip as quiet).
    """

    profile: str | None = None
    regions: list[str] | None = None
    assume_role: str | None = None
    external_id: str | None = None
    role_session_duration: int = 3600
    accounts: list[str] | None = None
    organization: bool = False
    dns: bool = False
    lookback_days: int = 14
    all_regions_strict: bool = False
    max_workers: int = 8
    shard: Shard | None = None  # read only this shard's accounts (or account and region scopes)
    progress: Callable[[str], None] | None = None
    resolver: Callable[[str], list[str]] | None = None
    now: datetime | None = None
    # Tuning (defaults suit real AWS; tests shorten them).
    max_attempts: int | None = None  # None: AWS_MAX_ATTEMPTS / the profile's max_attempts, else 8
    connect_timeout: float = 10.0
    read_timeout: float = 60.0
    call_deadline: float | None = None  # seconds a call may take, retries included (--timeout)
    credential_report_wait: float = 60.0
    role_session_name: str = "sesguard"

    def validate(self) -> None:
        """Raise ValueError naming the first inconsistent option."""
        if (self.accounts or self.organization) and not self.assume_role:
            raise ValueError(
                "accounts / organization need assume_role: the role name to assume in each account"
            )
        if self.external_id is not None and not _EXTERNAL_ID.fullmatch(self.external_id):
            raise ValueError(
                "external ID must be 2 to 1,224 characters of letters, digits and +=,.@:/- (AWS STS)"
            )
        if not MIN_SESSION <= self.role_session_duration <= MAX_SESSION:
            raise ValueError(
                f"role session duration must be {MIN_SESSION} to {MAX_SESSION} seconds, "
                f"got {self.role_session_duration}"
            )
        if (self.external_id or self.role_session_duration != DEFAULT_SESSION) and not self.assume_role:
            raise ValueError("external ID and role session duration apply to assume_role: give the role name")
        for account in self.accounts or []:
            if not _ACCOUNT_ID.match(account):
                raise ValueError(f"account {account!r} is not a 12-digit AWS account ID")
        if self.regions is not None:
            if not self.regions:
                raise ValueError(
                    "regions is empty: give region names, ['all'], or None for the session's region"
                )
            if ALL_REGIONS in self.regions and len(self.regions) > 1:
                raise ValueError("regions: 'all' cannot be combined with region names")
        if self.lookback_days < 1:
            raise ValueError("lookback_days must be at least 1")
        if self.max_workers < 1:
            raise ValueError("max_workers must be at least 1")
        if self.max_attempts is not None and self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")

    @property
    def all_regions(self) -> bool:
        """True when every enabled SES region is to be read."""
        return self.regions == [ALL_REGIONS]
