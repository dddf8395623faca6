"""Live answers that do not parse as the API's shape are errors naming the operation, never defaults;
a hanging endpoint is given up on. Real botocore clients against a loopback server."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config

from sesguard.sources.live import response_check
from sesguard.sources.live.response_check import MalformedResponseError

from .fake_aws import answering
from .harness import CHECKS, Run, run_command

HTML = b"<html><body>Please log in to the proxy</body></html>"


def _scan(tmp_path: Path, url: str, *extra: str) -> Run:
    """``pytest checks/ --aws`` against ``url`` with fake credentials and none of the runner's."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_ENDPOINT_URL=url,
        AWS_ACCESS_KEY_ID="AKIAFAKEFAKEFAKEFAKE",
        AWS_SECRET_ACCESS_KEY="fake" * 10,
        AWS_DEFAULT_REGION="us-east-1",
    )
    report_dir = tmp_path / "out"
    argv = [sys.executable, "-m", "pytest", str(CHECKS), "-p", "sesguard.plugin", "-p", "no:cacheprovider",
            "--aws", "--regions", "us-east-1", "--report-dir", str(report_dir), *extra]  # fmt: skip
    return run_command(argv, tmp_path, env=env, timeout=120, report_dir=report_dir)


def _statuses(run: Run) -> set[str]:
    return {row["status"] for row in json.loads(run.reports["findings.json"])["findings"]}


def _client(url: str, service: str) -> Any:
    client = boto3.session.Session().client(
        service,
        region_name="us-east-1",
        endpoint_url=url,
        aws_access_key_id="AKIAFAKEFAKEFAKEFAKE",
        aws_secret_access_key="fake" * 10,
        config=Config(retries={"total_max_attempts": 1}),
    )
    response_check.attach(client)
    return client


@pytest.mark.parametrize(
    ("service", "operation", "status", "body", "content_type", "problem"),
    [
        ("sesv2", "get_account", 200, HTML, "text/html", "the body is not JSON"),
        ("sesv2", "get_account", 200, b'{"EnforcementStatus": "HEAL', "application/json", "the body is not JSON"),
        ("sesv2", "get_email_identity", 200, b"[]", "application/json", "not a JSON object"),
        ("sesv2", "list_email_identities", 200, b"", "application/json", "empty body"),
        ("ses", "list_identities", 200, HTML, "text/html", "not <ListIdentitiesResponse>"),
        ("sts", "get_caller_identity", 200, b"<GetCallerIdentityResponse/>", "text/xml", "has no <GetCallerIdentityResult>"),
        (
            "ses",
            "list_identities",
            200,
            b"<ListIdentitiesResponse><ListIdentitiesResult/></ListIdentitiesResponse>",
            "text/xml",
            "required member Identities is missing",
        ),
    ],
)  # fmt: skip
def test_a_malformed_answer_is_an_error_naming_the_operation(
    service: str, operation: str, status: int, body: bytes, content_type: str, problem: str
) -> None:
    kwargs = {"EmailIdentity": "example.com"} if operation == "get_email_identity" else {}
    with answering(status, body, content_type) as url, pytest.raises(MalformedResponseError) as raised:
        getattr(_client(url, service), operation)(**kwargs)
    assert problem in str(raised.value)
    assert str(raised.value).startswith(f"{service}:")


def test_a_scan_of_an_endpoint_answering_html_has_no_pass_and_names_the_operation(tmp_path: Path) -> None:
    with answering(200, HTML, "text/html") as url:
        run = _scan(tmp_path, url, "-rA")
    assert run.code == 1, run.output[-3000:]
    assert "Traceback" not in run.output and "INTERNALERROR" not in run.output
    assert "pass" not in _statuses(run) and "error" in _statuses(run)
    assert (
        "sts:GetCallerIdentity: the answer does not parse as the API's response"
        in run.reports["findings.json"]
    )


def test_an_endpoint_that_never_answers_is_given_up_after_the_timeout(tmp_path: Path) -> None:
    with answering(200, b"", "text/xml", delay=600) as url:
        run = _scan(tmp_path, url, "--timeout", "2")
    assert run.code == 1, run.output[-3000:]
    assert "pass" not in _statuses(run) and "error" in _statuses(run)
    assert "GetCallerIdentity" in run.reports["findings.json"]
    assert run.seconds < 60  # the default settings waited 489 s here


def test_timeout_must_be_positive(tmp_path: Path) -> None:
    argv = [sys.executable, "-m", "pytest", str(CHECKS), "-p", "sesguard.plugin", "-p", "no:cacheprovider",
            "--aws", "--regions", "us-east-1", "--timeout", "0"]  # fmt: skip
    run = run_command(argv, tmp_path, timeout=60)
    assert run.code == 4
    assert "--timeout: 0 is not a positive number of seconds" in run.output


def test_a_malformed_caller_identity_is_error_rows_not_an_abort(tmp_path: Path) -> None:
    """Well-formed XML whose values are not what STS returns (an ARN that is not an ARN)."""
    body = (
        b"<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>not-an-arn</Arn>"
        b"<Account>x</Account><UserId>u</UserId></GetCallerIdentityResult></GetCallerIdentityResponse>"
    )
    with answering(200, body, "text/xml") as url:
        run = _scan(tmp_path, url, "--timeout", "5")
    assert run.code == 1, run.output[-3000:]
    assert "INTERNALERROR" not in run.output and "Traceback" not in run.output
    assert "pass" not in _statuses(run) and "error" in _statuses(run)
