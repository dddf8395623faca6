"""The SES compliance checks of a checkout: ``pytest checks/ --templates PATH`` (or ``--aws``, ``--inventory``).

The check itself lives in the package (:mod:`sesguard.checks.test_policies`), so installed sesguard runs
the same test anywhere; the rows come from the sesguard plugin (the ``pytest11`` entry point).
"""

from sesguard.checks.test_policies import test_policy

__all__ = ["test_policy"]
