"""Where a read happens: the account and region, the set name, locations and ARNs.

Live sets are ``<account>/<region>`` for regional resources and ``<account>`` for IAM principals
(IAM is global: read once per account, ``location.region`` None), as ``SetRef.covers``
expects.
"""

from __future__ import annotations

from dataclasses import dataclass

from sesguard.model import Location, SetRef
from sesguard.sources.live.errors import SOURCE


@dataclass(frozen=True)
class Scope:
    """One account and region of a scan, or the account itself (``region`` None) for IAM."""

    account: str
    region: str | None
    partition: str = "aws"

    @property
    def set_name(self) -> str:
        """The inventory set: ``<account>/<region>``, or ``<account>`` for the account-wide scope."""
        return self.account if self.region is None else f"{self.account}/{self.region}"

    @property
    def set_ref(self) -> SetRef:
        """The inventory set, with its account and region."""
        return SetRef(SOURCE, self.set_name, self.account, self.region)

    def location(self, arn: str | None = None) -> Location:
        """A location in this account and region."""
        return Location(account=self.account, region=self.region, arn=arn)

    def ses_arn(self, resource: str) -> str:
        """An SES ARN in this scope, e.g. ``identity/example.com``."""
        return f"arn:{self.partition}:ses:{self.region}:{self.account}:{resource}"
