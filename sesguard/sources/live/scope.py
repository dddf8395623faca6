"""Where a read happens: the account and region, the set name, locations and ARNs."""

from __future__ import annotations

from dataclasses import dataclass

from sesguard.model import Location


@dataclass(frozen=True)
class Scope:
    """One account and region of a scan (``region`` is the first scanned region for global IAM)."""

    account: str
    region: str
    partition: str = "aws"

    @property
    def set_name(self) -> str:
        """The inventory set this scope's resources belong to: ``<account>/<region>``."""
        return f"{self.account}/{self.region}"

    def location(self, arn: str | None = None) -> Location:
        """A location in this account and region."""
        return Location(account=self.account, region=self.region, arn=arn)

    def ses_arn(self, resource: str) -> str:
        """An SES ARN in this scope, e.g. ``identity/example.com``."""
        return f"arn:{self.partition}:ses:{self.region}:{self.account}:{resource}"
