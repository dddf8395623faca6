"""The normalized resource model shared by every source (live account, CloudFormation, Terraform).

Every source turns what it reads into :class:`Resource` objects whose ``props`` use the property
names documented in ``docs/model.md``. Policies only ever see these names, so one policy means the
same thing against an account, a template and a Terraform module.

A value a source could not determine is an :class:`Unknown` (never a guess). Unknown never passes.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Final


@dataclass(frozen=True)
class Unknown:
    """A value that could not be determined, with the reason (e.g. a Ref to a parameter without default).

    Never equal to a real value, never a guess; a condition that meets one is unknown, and unknown
    never passes.
    """

    reason: str = "could not be determined"
    # What is known about it symbolically: the template text it comes from with each unresolved part
    # written as ``${name}`` (``reply@${var.domain}``), so two values from the same variable can be
    # matched; and whether it is certainly a non-empty string (text around an unresolved part).
    symbol: str | None = field(default=None, compare=False)
    exists: bool = field(default=False, compare=False)

    def __bool__(self) -> bool:
        raise TypeError("Unknown has no truth value; test it with is_unknown()")

    def __str__(self) -> str:
        return f"<unknown: {self.reason}>"


@dataclass(frozen=True)
class Branches(Unknown):
    """A fact whose value differs between the branches of a template (CloudFormation Conditions):
    ``options`` are ``(branch label, value)``. Unknown to everything but the policy conditions, which
    evaluate a test of the property ``prop`` in every branch: the same verdict in all is the verdict,
    different verdicts are unknown (naming the branch that fails). Copied anywhere else it is a plain
    Unknown."""

    options: tuple[tuple[str, Any], ...] = field(default=(), compare=False)
    prop: str = field(default="", compare=False)


def is_unknown(value: Any) -> bool:
    """True when ``value`` is an :class:`Unknown`."""
    return isinstance(value, Unknown)


# Resource types. Policies name one of these in `resource:`.
ACCOUNT: Final = "account"
EMAIL_IDENTITY: Final = "email_identity"
CONFIGURATION_SET: Final = "configuration_set"
IAM_PRINCIPAL: Final = "iam_principal"
RECEIPT_RULE: Final = "receipt_rule"
TEMPLATE_SET: Final = "template_set"

RESOURCE_TYPES: Final = (
    ACCOUNT,
    EMAIL_IDENTITY,
    CONFIGURATION_SET,
    IAM_PRINCIPAL,
    RECEIPT_RULE,
    TEMPLATE_SET,
)


@dataclass(frozen=True, order=True)
class SetRef:
    """A set of resources read together, and what it is: the engine reads these fields, never the
    set's name.

    ``name`` is how rows and reports name the set (a template set's portable path, a live
    ``<account>/<region>``). ``account`` is set for a set read from an AWS account (its rows are named
    by account and region, templates' by file); ``region`` is the region of a regional account set
    (``*`` when the regions could not be told), None for the account-wide one (IAM is global).
    """

    source: str
    name: str
    account: str | None = None
    region: str | None = None

    @property
    def in_account(self) -> bool:
        """Whether the set was read from an AWS account (not from templates)."""
        return self.account is not None

    def covers(self, resource_type: str) -> bool:
        """Whether resources of this type live in this set: every type in a template set; in an
        account, IAM principals in the account-wide set and the rest in the regional ones."""
        if self.account is None:
            return True
        return (self.region is not None) != (resource_type == IAM_PRINCIPAL)

    def location(self) -> Location:
        """Where the set itself is: its path (templates) or its account and region."""
        if self.account is None:
            return Location(file=self.name)
        return Location(account=self.account, region=self.region)

    def renamed(self, name: str) -> SetRef:
        """The same set under another name."""
        return replace(self, name=name)


@dataclass(frozen=True)
class Location:
    """Where a resource is defined: a file and a 1-based line (templates) or an account and region."""

    file: str | None = None
    line: int | None = None
    account: str | None = None
    region: str | None = None
    arn: str | None = None

    def describe(self) -> str:
        """A short human-readable place, e.g. ``template.yaml:12`` or ``123456789012/eu-west-1``."""
        if self.file:
            return f"{self.file}:{self.line}" if self.line else self.file
        parts = [p for p in (self.account, self.region) if p]
        return "/".join(parts)


@dataclass
class Resource:
    """One normalized resource: its type, the name users know it by, where it is, and its properties.

    ``set_ref`` is the set it was read with (one template set, or one account/region); set-level
    policies and "nothing in scope" rows are keyed by it. ``scope`` is, for a template resource, where
    its ``id`` is unique: the template file, the Terraform root module folder or the plan file, as a
    portable path (see ``docs/row-ids.md``); rows are named ``scope:id``.
    """

    type: str
    id: str
    location: Location
    set_ref: SetRef
    props: dict[str, Any] = field(default_factory=dict)
    native_type: str | None = None
    scope: str | None = None

    @property
    def source(self) -> str:
        """The source that read it (``live``, ``cfn``, ``tf``)."""
        return self.set_ref.source

    @property
    def set_name(self) -> str:
        """The name of its set."""
        return self.set_ref.name


@dataclass
class SourceError:
    """Something a source could not read (an unparseable template, an AccessDenied answer).

    ``affects`` names the resource types (or ``*``) whose policies become ``error`` rows because of it.
    """

    message: str
    set_ref: SetRef
    location: Location
    affects: tuple[str, ...] = ("*",)
    code: str | None = None

    @property
    def source(self) -> str:
        """The source that could not read it."""
        return self.set_ref.source

    @property
    def set_name(self) -> str:
        """The name of the set it blocks."""
        return self.set_ref.name


@dataclass
class Inventory:
    """Everything one run read: the resources and what could not be read, per source."""

    resources: list[Resource] = field(default_factory=list)
    errors: list[SourceError] = field(default_factory=list)
    sets: dict[str, SetRef] = field(default_factory=dict)  # set name -> the set
    collected_at: str | None = None  # ISO time the facts were read; ages are computed against it
    meta: dict[str, Any] = field(default_factory=dict)

    def extend(self, other: Inventory) -> None:
        """Add another inventory's contents to this one."""
        self.resources.extend(other.resources)
        self.errors.extend(other.errors)
        self.sets.update(other.sets)
        self.meta.update(other.meta)
        if other.collected_at and (self.collected_at is None or other.collected_at < self.collected_at):
            self.collected_at = other.collected_at
