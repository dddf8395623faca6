"""The SES compliance checks: one test per (policy, resource).

Run ``pytest checks/ --templates PATH`` (CloudFormation, Terraform), ``pytest checks/ --aws`` (a live
account) or ``pytest checks/ --inventory FILE`` (a saved snapshot). The rows come from the sesguard
plugin (``sesguard.plugin``), loaded by the repository's ``conftest.py``.
"""

from sesguard.engine import Finding
from sesguard.plugin import check_finding


def test_policy(sesguard_finding: Finding) -> None:
    """The resource complies with the policy."""
    check_finding(sesguard_finding)
