"""Severity names, least to most severe, and their rank: shared by policies, settings and findings."""

from __future__ import annotations

from typing import Final

SEVERITIES: Final = ("info", "low", "medium", "high", "critical")
SEVERITY_RANK: Final = {name: rank for rank, name in enumerate(SEVERITIES)}
