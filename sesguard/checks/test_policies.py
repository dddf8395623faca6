"""The SES compliance checks: one test per (policy, resource).

Run ``pytest --templates PATH`` (CloudFormation, Terraform), ``pytest --aws`` (a live account) or
``pytest --inventory FILE`` (a saved snapshot) wherever sesguard is installed, or ``pytest checks/ ...``
in a checkout. The rows come from the sesguard plugin (:mod:`sesguard.plugin`, registered through the
``pytest11`` entry point).
"""

from sesguard.checks.verdict import check_finding
from sesguard.engine import Finding


def test_policy(sesguard_finding: Finding) -> None:
    """The resource complies with the policy."""
    check_finding(sesguard_finding)
