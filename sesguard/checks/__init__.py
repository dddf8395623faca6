"""The SES compliance checks as an importable package: ``pytest --pyargs sesguard.checks --templates PATH``.

Installed sesguard also collects them by itself whenever a sesguard source option is given and no
test paths are (``pytest --templates infra/``); see :mod:`sesguard.plugin`.
"""
