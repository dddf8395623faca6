"""Loads the sesguard pytest plugin for ``pytest checks/`` run from this repository."""

pytest_plugins = ("sesguard.plugin",)
