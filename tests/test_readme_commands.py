"""Every command line in the README's shell blocks runs as written (issue 10: no rough first hour).

The commands run in a sandbox laid out as the README assumes: a checkout's ``checks/`` and
``conftest.py``, an ``infra/`` folder and a ``template.yaml``, and for ``--aws`` the local SES
endpoint with the demo account (``AWS_ENDPOINT_URL``; a ``prod`` profile; an organization whose
accounts have the ``SesguardAudit`` role). A command must give a verdict (exit 0 or 1), never a usage
error, a crash or a swallowed path. A new command in the README fails :func:`test_every_readme_command_is_covered`
until this file knows how to run it.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from sesguard.local import LocalEndpoint

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
BLOCK = re.compile(r"```sh\n(.*?)```", re.DOTALL)

# Commands that install or run the project itself: CI runs exactly these (.ci/run), not a test.
RUN_BY_CI = {
    "python3 -m venv .venv && .venv/bin/pip install -q -e '.[local]' && .venv/bin/sesguard demo":
        "the quick start's install; its `sesguard demo`: test_the_quick_start_demo_exits_1_with_reports",
    "python3 -m venv .venv && .venv/bin/pip install -q -e '.[test]' && .venv/bin/pytest -n auto":
        "the quick start's test command: it is .ci/run itself",
}  # fmt: skip


def readme_commands() -> list[str]:
    """The command lines of the README's ``sh`` blocks, comments stripped."""
    commands = []
    for block in BLOCK.findall((REPO / "README.md").read_text()):
        for line in block.splitlines():
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            words = shlex.split(line, comments=True)
            commands.append(shlex.join(words) if "&&" not in line else line.split("  #")[0].strip())
    return commands


@pytest.fixture
def sandbox(tmp_path: Path) -> Path:
    shutil.copytree(REPO / "checks", tmp_path / "checks")
    if (REPO / "conftest.py").exists():  # the plugin is also loaded by its pytest11 entry point
        shutil.copyfile(REPO / "conftest.py", tmp_path / "conftest.py")
    shutil.copytree(REPO / "examples", tmp_path / "examples")
    shutil.copytree(REPO / "examples" / "templates", tmp_path / "infra")
    shutil.copyfile(REPO / "examples" / "templates" / "marketing-mail.yaml", tmp_path / "template.yaml")
    (tmp_path / "pytest.ini").write_text("[pytest]\n")  # the sandbox is the rootdir, as a checkout is
    return tmp_path


@pytest.fixture
def aws(endpoint_server: LocalEndpoint, sandbox: Path) -> Iterator[dict[str, str]]:
    """The environment of a user whose AWS is the local endpoint with the demo account."""
    import boto3

    from sesguard.local.demo import build_demo

    endpoint_server.reset()
    info = build_demo(endpoint_server.url)
    admin = {"endpoint_url": endpoint_server.url, "region_name": "us-east-1",
             "aws_access_key_id": "testing", "aws_secret_access_key": "testing"}  # fmt: skip
    org = boto3.client("organizations", **admin)
    org.create_organization(FeatureSet="ALL")
    member = org.create_account(AccountName="member", Email="member@example.com")["CreateAccountStatus"]
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
             "Principal": {"AWS": f"arn:aws:iam::{info.account_id}:root"}}]}  # fmt: skip
    roles = {w for c in readme_commands() for w in re.findall(r"--assume-role (\S+)", c)}
    for account in (info.account_id, member["AccountId"]):
        iam = endpoint_server.client("iam", "us-east-1", account_id=account)
        for role in roles:
            iam.create_role(RoleName=role, AssumeRolePolicyDocument=json.dumps(trust))
    profiles = sandbox / "aws-credentials"
    profiles.write_text(
        f"[prod]\naws_access_key_id = {info.auditor_access_key_id}\n"
        f"aws_secret_access_key = {info.auditor_secret_access_key}\n"
    )
    config = sandbox / "aws-config"
    config.write_text("[profile prod]\nregion = us-east-1\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_ENDPOINT_URL=endpoint_server.url,
        AWS_ACCESS_KEY_ID=info.auditor_access_key_id,
        AWS_SECRET_ACCESS_KEY=info.auditor_secret_access_key,
        AWS_DEFAULT_REGION="us-east-1",
        AWS_SHARED_CREDENTIALS_FILE=str(profiles),
        AWS_CONFIG_FILE=str(config),
        AWS_EC2_METADATA_DISABLED="true",
    )
    yield env
    endpoint_server.reset()


def _prepare(words: list[str], sandbox: Path, env: dict[str, str]) -> None:
    """What a command expects to exist: a saved snapshot, an event archive bucket."""
    if "--inventory" in words:
        subprocess.run(
            [str(BIN / "python"), "-m", "pytest", "checks/", "--aws", "--inventory-out", "snapshot.json", "-q"],
            cwd=sandbox, env=env, capture_output=True, check=False,
        )  # fmt: skip
        assert (sandbox / "snapshot.json").exists()
    if words[:2] == ["sesguard", "merge"]:
        shards = [w for w in words[2:] if w.endswith(".json")]
        for number, shard in enumerate(shards, 1):
            subprocess.run(
                [str(BIN / "sesguard"), "scan", "--organization", "--assume-role", "sesguard-readonly",
                 "--shard", f"{number}/{len(shards)}", "--inventory-out", shard],
                cwd=sandbox, env=env, capture_output=True, check=False,
            )  # fmt: skip
            assert (sandbox / shard).exists(), shard
    for word in words:
        if word.startswith("s3://"):
            import boto3

            bucket = word.removeprefix("s3://").split("/", 1)[0]
            s3 = boto3.client("s3", endpoint_url=env["AWS_ENDPOINT_URL"], region_name="us-east-1",
                              aws_access_key_id="testing", aws_secret_access_key="testing")  # fmt: skip
            s3.create_bucket(Bucket=bucket)


def run(command: str, sandbox: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    words = shlex.split(command)
    _prepare(words, sandbox, env)
    program = words[0]
    argv = [str(BIN / "python"), "-m", "pytest", *words[1:]] if program == "pytest" else [str(BIN / program), *words[1:]]
    return subprocess.run(argv, cwd=sandbox, env=env, capture_output=True, text=True, check=False, timeout=600)


def _commands(kind: str) -> list[str]:
    commands = [c for c in readme_commands() if c not in RUN_BY_CI]
    live_words = ("--aws", "--inventory", "--organization", "sesguard scan", "sesguard merge", "sesguard investigate")
    live = [c for c in commands if any(word in c for word in live_words)]
    return live if kind == "live" else [c for c in commands if c not in live]


def _check(command: str, result: subprocess.CompletedProcess[str], sandbox: Path) -> None:
    output = result.stdout[-3000:] + result.stderr[-3000:]
    assert "Traceback" not in output and "INTERNALERROR" not in output, f"{command}\n{output}"
    if command.startswith("cfn-lint"):
        # cfn-lint's exit code is a bit mask of the levels it found (2 error, 4 warning, 8 info)
        assert result.returncode in range(16), f"{command}\n{output}"
        assert re.search(r"^E9\d{3} SES-IAM-010 fails", result.stdout, re.MULTILINE), output
        return
    assert result.returncode in (0, 1), f"{command}: exit {result.returncode}\n{output}"
    if command.startswith("pytest checks/"):
        doc = json.loads((sandbox / "reports" / "findings.json").read_text())
        assert doc["findings"], command
        assert not [t for t in doc["run"]["inputs"] if t.startswith("checks")], "checks/ is no template set"
        assert "tests/" not in result.stdout


@pytest.mark.parametrize("command", _commands("offline"))
def test_offline_readme_command_runs_as_written(command: str, sandbox: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    _check(command, run(command, sandbox, env), sandbox)


@pytest.mark.live
@pytest.mark.parametrize("command", _commands("live"))
def test_live_readme_command_runs_as_written(command: str, sandbox: Path, aws: dict[str, str]) -> None:
    _check(command, run(command, sandbox, aws), sandbox)


def test_every_readme_command_is_covered() -> None:
    commands = readme_commands()
    assert len(commands) >= 9
    known = ("pytest ", "cfn-lint ", "sesguard ")
    for command in commands:
        assert command in RUN_BY_CI or command.startswith(known), f"no way to run: {command}"
    # the README's cfn-lint line puts the template first (--append-rules takes several values)
    assert "cfn-lint template.yaml --append-rules sesguard.cfnlint_rules" in commands


@pytest.mark.live
def test_the_quick_start_demo_exits_1_with_reports(sandbox: Path) -> None:
    pytest.importorskip("moto", reason="sesguard demo needs the 'local' extra (moto)")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    result = subprocess.run(
        [str(BIN / "sesguard"), "demo"], cwd=sandbox, env=env, capture_output=True, text=True, check=False,
        timeout=600,
    )  # fmt: skip
    assert result.returncode == 1, result.stdout[-3000:] + result.stderr[-3000:]  # "exits 1 ... on purpose"
    assert (sandbox / "reports" / "report.html").exists() and (sandbox / "reports" / "findings.json").exists()
