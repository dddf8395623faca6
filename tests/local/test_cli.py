"""``sesguard local``: argument parsing, and a real run in a subprocess stopped with Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from botocore.exceptions import ClientError

from sesguard.local.cli import DEFAULT_PORT, build_parser
from sesguard.local.clients import make_client

pytestmark = pytest.mark.live


def test_parser_defaults() -> None:
    args = build_parser().parse_args([])
    assert (args.port, args.host, args.demo) == (DEFAULT_PORT, "127.0.0.1", False)
    args = build_parser().parse_args(["--port", "0", "--demo", "--host", "127.0.0.1"])
    assert (args.port, args.demo) == (0, True)


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@pytest.mark.parametrize(
    ("stop_signal", "inherited"),
    [
        (signal.SIGINT, "default"),
        # a background job of a non-interactive shell (CI) starts with SIGINT ignored: Python then
        # raises no KeyboardInterrupt, and this test once hung until its timeout
        (signal.SIGINT, "ignored"),
        (signal.SIGTERM, "default"),
    ],
    ids=["SIGINT", "SIGINT-inherited-ignored", "SIGTERM"],
)
def test_cli_serves_the_demo_until_interrupted(stop_signal: signal.Signals, inherited: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    process = subprocess.Popen(
        [sys.executable, "-m", "sesguard.local.cli", "--port", "0", "--demo"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
        preexec_fn=_ignore_sigint if inherited == "ignored" else None,
    )
    try:
        lines: list[str] = []
        deadline = time.monotonic() + 60
        assert process.stdout is not None
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            lines.append(line)
            if "Ctrl-C stops" in line:
                break
        output = "".join(lines)
        assert "export AWS_ENDPOINT_URL=http://127.0.0.1:" in output
        assert "export AWS_ACCESS_KEY_ID=" in output and "sesguard-auditor" in output
        printed = dict(
            line.strip().removeprefix("export ").split("=", 1) for line in lines if "export AWS_" in line
        )
        url = printed["AWS_ENDPOINT_URL"]
        auditor = make_client(
            url,
            "sesv2",
            "eu-west-1",
            access_key_id=printed["AWS_ACCESS_KEY_ID"],
            secret_access_key=printed["AWS_SECRET_ACCESS_KEY"],
        )
        assert auditor.get_account()["EnforcementStatus"] == "PROBATION"
        # enforced by default: any other key is refused, and the auditor may not write
        with pytest.raises(ClientError):
            make_client(url, "sesv2", "eu-west-1").get_account()
        with pytest.raises(ClientError):
            auditor.put_account_sending_attributes(SendingEnabled=False)
        # no route serves the stored secrets
        with pytest.raises(urllib.error.HTTPError) as denied:
            urllib.request.urlopen(f"{url}/moto-api/data.json", timeout=10)
        assert denied.value.code == 404
        assert printed["AWS_SECRET_ACCESS_KEY"].encode() not in denied.value.read()
        process.send_signal(stop_signal)
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
