"""Usage errors: one exit code (4, pytest's ``USAGE_ERROR``) for every sesguard command."""

from __future__ import annotations

import argparse
import sys
from typing import Final, NoReturn

USAGE_ERROR: Final = 4


class UsageParser(argparse.ArgumentParser):
    """argparse, exiting with the usage-error code (4) instead of argparse's 2."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(USAGE_ERROR, f"{self.prog}: error: {message}\n")


class UsageError(Exception):
    """A problem with how sesguard was called or with its input files: one line, exit code 4."""
