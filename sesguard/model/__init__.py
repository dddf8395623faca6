"""The normalized resource model shared by every source: resources and sets
(:mod:`sesguard.model.resource`)."""

from __future__ import annotations

from sesguard.model.resource import (
    ACCOUNT,
    CONFIGURATION_SET,
    EMAIL_IDENTITY,
    IAM_PRINCIPAL,
    RECEIPT_RULE,
    RESOURCE_TYPES,
    TEMPLATE_SET,
    Branches,
    Inventory,
    Location,
    Resource,
    SetRef,
    SourceError,
    Unknown,
    is_unknown,
)

__all__ = [
    "ACCOUNT",
    "CONFIGURATION_SET",
    "EMAIL_IDENTITY",
    "IAM_PRINCIPAL",
    "RECEIPT_RULE",
    "RESOURCE_TYPES",
    "TEMPLATE_SET",
    "Branches",
    "Inventory",
    "Location",
    "Resource",
    "SetRef",
    "SourceError",
    "Unknown",
    "is_unknown",
]
