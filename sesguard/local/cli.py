"""``sesguard local``: serve the local SES endpoint (optionally with the demo account) until Ctrl-C."""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
import threading
from collections.abc import Iterator
from typing import TextIO

from sesguard.usage import USAGE_ERROR, UsageParser

DEFAULT_PORT = 5055


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``sesguard local``."""
    parser = UsageParser(
        prog="sesguard local",
        description="Serve a local SES endpoint (moto plus sesguard's SES v2 extension) on the loopback.",
    )
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port (0 = any free port; default {DEFAULT_PORT})"
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument(
        "--demo",
        action="store_true",
        help="build the demo account before serving; requests are then signature- and IAM-checked "
        "(use the printed read-only auditor credentials)",
    )
    return parser


def main(
    argv: list[str] | None = None, *, stop: threading.Event | None = None, out: TextIO | None = None
) -> int:
    """Run ``sesguard local``; returns the exit code. ``stop`` ends serving (tests); Ctrl-C does too."""
    args = build_parser().parse_args(argv)
    stream = out or sys.stdout
    from . import missing_extra

    missing = missing_extra()
    if missing is not None:
        print(missing, file=sys.stderr)
        return USAGE_ERROR
    from .clients import FAKE_ACCESS_KEY_ID, FAKE_SECRET_ACCESS_KEY
    from .demo import build_demo
    from .endpoint import LocalEndpoint

    endpoint = LocalEndpoint(port=args.port, host=args.host)
    try:
        endpoint.start()
    except OSError as exc:
        print(f"cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    try:
        print(f"sesguard local SES endpoint on {endpoint.url}", file=stream)
        key_id, secret = FAKE_ACCESS_KEY_ID, FAKE_SECRET_ACCESS_KEY
        if args.demo:
            info = build_demo(endpoint.url)
            # As AWS does: every request is signature-checked and authorized by IAM from now on, so
            # only the demo's own users' keys work, each with what its policies allow.
            endpoint.app.enforcement.configure(0)
            key_id, secret = info.auditor_access_key_id, info.auditor_secret_access_key
            print(f"demo account {info.account_id} built in {', '.join(info.regions)}", file=stream)
            print(
                "  signatures and IAM are enforced; read-only scanner credentials (user sesguard-auditor) below",
                file=stream,
            )
        print("Point AWS SDKs and the AWS CLI at it:", file=stream)
        print(f"  export AWS_ENDPOINT_URL={endpoint.url}", file=stream)
        print(f"  export AWS_ACCESS_KEY_ID={key_id}", file=stream)
        print(f"  export AWS_SECRET_ACCESS_KEY={secret}", file=stream)
        print("  export AWS_DEFAULT_REGION=us-east-1", file=stream)
        print(
            f"Admin hooks: {endpoint.url}/_sesguard/health (see sesguard/local/admin.py). Ctrl-C stops.",
            file=stream,
        )
        stream.flush()
        waiter = stop or threading.Event()
        with _stop_on_signals(waiter):
            while not waiter.wait(0.5):
                pass
    except KeyboardInterrupt:
        pass
    finally:
        endpoint.stop()
    return 0


@contextlib.contextmanager
def _stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """Ctrl-C (SIGINT) and SIGTERM end serving, whatever dispositions the process inherited.

    A process started in the background by a non-interactive shell inherits SIGINT as *ignored*,
    and Python then never raises KeyboardInterrupt: without its own handlers the server would
    outlive every Ctrl-C and ``kill -INT``. Handlers can only be set from the main thread.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


if __name__ == "__main__":
    raise SystemExit(main())
