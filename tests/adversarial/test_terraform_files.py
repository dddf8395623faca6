"""Terraform ``file()`` / ``templatefile()`` read only regular files inside the template set: the
runner's environment (planted fake AWS credentials) never reaches the terminal or any report."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterable
from pathlib import Path

import pytest

from .harness import FIXTURES, MEMORY_LIMIT_BYTES, run_checks, statuses

PLANTED_KEY_ID = "AKIAADVERSARIAL7TEST"
PLANTED_SECRET = "adversarialSecret0123456789/abcdefghijKLMNOP"
PLANTED_TOKEN = "adversarialSessionToken0123456789"


def _squashed(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def assert_no_leak(everything: str, secrets: Iterable[str]) -> None:
    """No secret appears, verbatim or re-cased / re-punctuated (``ADVERSARIAL_SECRET...``)."""
    squashed = _squashed(everything)
    for secret in secrets:
        assert secret not in everything
        assert _squashed(secret)[:16] not in squashed, f"{secret[:4]}... leaked (re-punctuated)"


@pytest.fixture
def escaping_module(tmp_path: Path) -> Path:
    folder = tmp_path / "set"
    shutil.copytree(FIXTURES / "tf_file_escape", folder)
    os.symlink("/proc/self/environ", folder / "module" / "environ-link")
    return folder


def test_file_outside_the_set_is_unknown_and_nothing_leaks(tmp_path: Path, escaping_module: Path) -> None:
    planted = {
        "AWS_ACCESS_KEY_ID": PLANTED_KEY_ID,
        "AWS_SECRET_ACCESS_KEY": PLANTED_SECRET,
        "AWS_SESSION_TOKEN": PLANTED_TOKEN,
    }
    run = run_checks(tmp_path, "--templates", str(escaping_module), env=planted)

    assert {"findings.json", "findings.sarif", "junit.xml", "report.md", "report.html"} <= set(run.reports)
    assert_no_leak(run.everything(), planted.values())

    tls = statuses(run, "SES-CS-002")
    for name in ("environ", "relative_escape", "through_symlink", "device"):
        assert tls[f"SES-CS-002::aws_sesv2_configuration_set.{name}"] == "error", tls
    assert tls["SES-CS-002::aws_sesv2_configuration_set.inside"] == "pass"
    assert "outside the template set's folder" in run.output
    assert run.code == 1
    assert run.max_rss_bytes < MEMORY_LIMIT_BYTES / 2
    assert run.seconds < 60
