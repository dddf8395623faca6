"""Inputs that are not regular files, cannot be read, hold nothing, or are huge: refused with one line,
or error rows naming the file; never a hang, never a clean run over what was not read."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from sesguard.sources.templates import read_templates

from .harness import (
    CHECKS,
    FIXTURES,
    MEMORY_LIMIT_BYTES,
    Run,
    run_checks,
    run_checks_as_nobody,
    run_command,
    statuses,
)

MINIMAL = FIXTURES / "cfn_ses_minimal"


def _problems(run: Run) -> list[str]:
    """What was not read, in full (findings.json), after checking that error rows say so."""
    doc = json.loads(run.reports["findings.json"])
    problems = [p["message"] for p in doc["input_problems"]]
    errors = [row["message"] for row in doc["findings"] if row["status"] == "error"]
    # (the set-level secrets rows cannot vouch for a set whose files were not all read: errors too)
    assert problems and errors and all(
        e.startswith("could not read what this policy needs: ") or "not every file of the set was read" in e
        for e in errors
    )
    assert "pass" not in {row["status"] for row in doc["findings"] if row["id"].endswith("(input problems)")}
    return problems


def test_a_fifo_given_as_templates_is_refused_with_one_line(tmp_path: Path) -> None:
    fifo = tmp_path / "template.yaml"
    os.mkfifo(fifo)  # nobody ever writes to it: opening it for reading would block forever
    run = run_checks(tmp_path, "--templates", str(fifo), timeout=60)
    assert run.code == 4
    run.one_line(f"--templates {fifo}: is a FIFO or pipe, not a regular file; it is not read")
    assert run.reports == {}


def test_process_substitution_is_refused_with_one_line(tmp_path: Path) -> None:
    """``pytest checks/ --templates <(cat template.yaml)``: bash hands over /dev/fd/63, a pipe."""
    if shutil.which("bash") is None:
        pytest.skip("bash is needed for process substitution")
    command = (
        f"exec {sys.executable} -m pytest {CHECKS} -p sesguard.plugin -p no:cacheprovider "
        f"--report-dir {tmp_path / 'out'} --templates <(cat {MINIMAL / 'template.yaml'})"
    )
    run = run_command(["bash", "-c", command], tmp_path, timeout=60)
    assert run.code == 4
    run.one_line(": is a FIFO or pipe, not a regular file; it is not read")


def test_dev_stdin_is_refused_with_one_line(tmp_path: Path) -> None:
    argv = [sys.executable, "-m", "pytest", str(CHECKS), "-p", "sesguard.plugin", "-p", "no:cacheprovider",
            "--templates", "/dev/stdin", "--report-dir", str(tmp_path / "out")]  # fmt: skip
    run = run_command(argv, tmp_path, stdin=subprocess.PIPE, timeout=60)  # a pipe nobody writes to
    assert run.code == 4
    # (pytest's capture has put /dev/null on stdin by then: a device, refused the same way as a pipe)
    line = run.one_line("--templates /dev/stdin: is a ")
    assert "not a regular file; it is not read" in line


def test_a_device_given_as_templates_is_refused(tmp_path: Path) -> None:
    run = run_checks(tmp_path, "--templates", "/dev/zero", timeout=60)
    assert run.code == 4
    run.one_line("--templates /dev/zero: is a device, not a regular file")


def test_fifos_devices_and_escaping_symlinks_in_a_folder_are_error_rows(tmp_path: Path) -> None:
    folder = tmp_path / "infra"
    shutil.copytree(MINIMAL, folder)
    os.mkfifo(folder / "blocked.json")
    os.mkfifo(folder / "blocked.tf")
    os.mkfifo(folder / "blocked.yaml")
    (folder / "zero.template").symlink_to("/dev/zero")
    (folder / "outside.yaml").symlink_to("/proc/self/environ")
    run = run_checks(tmp_path, "--templates", str(folder), timeout=90)
    assert run.code == 1
    problems = "\n".join(_problems(run))
    for name in ("blocked.json", "blocked.tf", "blocked.yaml"):
        assert f"{folder / name}: is a FIFO or pipe, not a regular file" in problems
    assert f"{folder / 'zero.template'}: is a device, not a regular file" in problems
    assert f"{folder / 'outside.yaml'}: is a symlink to a file outside {folder}" in problems
    # the rest of the set is still read and judged
    assert "pass" in statuses(run, "SES-CS-002").values()
    assert run.seconds < 60


def test_an_unreadable_folder_is_an_error_row(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The tests run as root here, which lists any folder: the denial is simulated at os.scandir, the
    # call os.walk makes (and reports through its onerror hook); see also the non-root run below.
    folder = tmp_path / "infra"
    shutil.copytree(MINIMAL, folder)
    (folder / "private").mkdir()
    real_scandir = os.scandir

    def scandir(path: str = ".") -> Any:
        if Path(path).name == "private":
            raise PermissionError(13, "Permission denied", path)
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    inventory = read_templates([folder])
    messages = [e.message for e in inventory.errors]
    assert f"{folder / 'private'}: folder cannot be read (Permission denied); its templates are not checked" in messages


@pytest.mark.skipif(os.geteuid() != 0, reason="runs the check as another user (needs root to switch)")
def test_unreadable_files_and_folders_are_error_rows_for_a_user_without_access(tmp_path: Path) -> None:
    """A real permission denial: the run is made by ``nobody`` over a tree where one folder and one
    template are root's alone."""
    base = Path("/tmp") / f"sesguard-adversarial-{os.getpid()}"
    shutil.rmtree(base, ignore_errors=True)
    try:
        folder = base / "infra"
        shutil.copytree(MINIMAL, folder)
        (folder / "private").mkdir()
        shutil.copy(MINIMAL / "template.yaml", folder / "private" / "hidden.yaml")
        shutil.copy(MINIMAL / "template.yaml", folder / "secret.yaml")
        os.chmod(folder / "private", 0o700)
        os.chmod(folder / "secret.yaml", 0o600)
        os.chmod(base, 0o777)
        run = run_checks_as_nobody(base, "--templates", str(folder))
        if "findings.json" not in run.reports and "Permission denied" in run.output and "python" in run.output:
            pytest.skip(f"the interpreter is not usable by nobody here: {run.output[-300:]}")
        assert run.code == 1, run.output[-3000:]
        problems = "\n".join(_problems(run))
        assert f"{folder / 'private'}: folder cannot be read (Permission denied)" in problems
        assert f"{folder / 'secret.yaml'}: cannot be read (permission denied)" in problems
    finally:
        shutil.rmtree(base, ignore_errors=True)


def test_a_folder_without_templates_is_a_usage_error_unless_allowed(tmp_path: Path) -> None:
    folder = tmp_path / "empty"
    folder.mkdir()
    (folder / "notes.yaml").write_text("just: a config file\n")
    run = run_checks(tmp_path, "--templates", str(folder), timeout=60)
    assert run.code == 4
    line = run.one_line(f"sesguard: no template found in {folder}")
    assert "--allow-empty" in line
    assert run.reports == {}  # no report speaks for a run that checked nothing
    allowed = run_checks(tmp_path, "--templates", str(folder), "--allow-empty", timeout=60)
    assert allowed.code == 0, allowed.output[-2000:]


def test_an_empty_folder_is_a_usage_error_under_xdist_too(tmp_path: Path) -> None:
    folder = tmp_path / "empty"
    folder.mkdir()
    run = run_checks(tmp_path, "--templates", str(folder), "-n", "2", timeout=90)
    assert run.code == 4
    assert f"sesguard: no template found in {folder}" in run.output
    assert "INTERNALERROR" not in run.output and "Traceback" not in run.output


def test_sesguard_iac_empty_folder_exit_4_and_the_hook_allows_it(tmp_path: Path) -> None:
    folder = tmp_path / "empty"
    folder.mkdir()
    sesguard = [sys.executable, "-c", "import sys; from sesguard.cli import main; sys.exit(main())", "iac",
                "--report-dir", str(tmp_path / "out")]  # fmt: skip
    run = run_command([*sesguard, str(folder)], tmp_path, timeout=60)
    assert run.code == 4
    run.one_line(f"sesguard: no template found in {folder}")
    assert run_command([*sesguard, "--allow-empty", str(folder)], tmp_path, timeout=60).code == 0
    hook = run_command([*sesguard, "--hook", str(folder)], tmp_path, timeout=60)
    assert hook.code == 0, hook.output[-2000:]
    entry = (Path(__file__).resolve().parents[2] / ".pre-commit-hooks.yaml").read_text()
    assert "sesguard iac --hook" in entry


def test_a_template_over_the_size_limit_is_an_error_row_naming_the_limit(tmp_path: Path) -> None:
    folder = tmp_path / "infra"
    shutil.copytree(MINIMAL, folder)
    (folder / "big.yaml").write_text("# padding\n" * 500 + (MINIMAL / "template.yaml").read_text())
    (folder / "big.tf").write_text("# padding\n" * 500 + 'resource "aws_sesv2_configuration_set" "x" {}\n')
    run = run_checks(tmp_path, "--templates", str(folder), "--max-template-bytes", "4000", timeout=60)
    assert run.code == 1
    problems = "\n".join(_problems(run))
    size = (folder / "big.yaml").stat().st_size
    limit = "over the template size limit of 4000 bytes (--max-template-bytes); it is not read"
    assert f"{folder / 'big.yaml'}: is {size} bytes, {limit}" in problems
    assert f"{folder / 'big.tf'}: is " in problems and problems.count(limit) >= 2
    assert "pass" in statuses(run, "SES-CS-002").values()  # the small template is still read


def test_a_given_file_over_the_limit_and_a_bad_limit(tmp_path: Path) -> None:
    template = tmp_path / "template.yaml"
    template.write_text("# padding\n" * 500 + (MINIMAL / "template.yaml").read_text())
    run = run_checks(tmp_path, "--templates", str(template), "--max-template-bytes", "1000", timeout=60)
    assert run.code == 1
    assert any("over the template size limit of 1000 bytes" in p for p in _problems(run))
    refused = run_checks(tmp_path, "--templates", str(template), "--max-template-bytes", "0", timeout=60)
    assert refused.code == 4
    refused.one_line("--max-template-bytes: 0 is not a positive number of bytes")


def _cdk_like_template(resources: int, code_bytes: int = 40) -> str:
    """A CDK-shaped JSON template: many functions (inline code, tags, metadata) and one SES
    configuration set."""
    code = "exports.handler = async () => {\n  // " + "x" * code_bytes + "\n};"
    body: dict[str, object] = {
        f"Fn{i:06d}ABCDEF12": {
            "Type": "AWS::Lambda::Function",
            "Properties": {
                "Code": {"ZipFile": code},
                "Handler": "index.handler",
                "Runtime": "nodejs20.x",
                "Role": {"Fn::GetAtt": ["Role", "Arn"]},
                "Tags": [{"Key": "app", "Value": f"v{i}"}, {"Key": "n", "Value": i}],
            },
            "Metadata": {"aws:cdk:path": f"Stack/Fn{i}/Resource"},
        }
        for i in range(resources)
    }
    body["Transactional"] = {
        "Type": "AWS::SES::ConfigurationSet",
        "Properties": {"Name": "transactional", "DeliveryOptions": {"TlsPolicy": "OPTIONAL"}},
    }
    return json.dumps({"AWSTemplateFormatVersion": "2010-09-09", "Resources": body}, indent=1)


def test_a_20_mb_json_template_is_read_in_bounded_time_with_its_line_numbers(tmp_path: Path) -> None:
    """cfn-lint reads JSON with its YAML loader, and both its decoders compare every key of a mapping
    with every earlier one: for this template (30,000 functions, 20 MB) cfn-lint's decode alone took
    90 s of CPU (10 minutes on this shared machine), and sesguard used to decode each file twice.
    sesguard decodes JSON in linear time: the whole run took 17 s of CPU (52 s) here. The bound is on CPU
    time, which a busy machine barely changes (wall time went past 200 s at a load average of 20); the
    wall-clock limit only catches a hang."""
    text = _cdk_like_template(30_000, code_bytes=400)
    assert len(text) > 20_000_000
    template = tmp_path / "big.json"
    template.write_text(text)
    expected_line = next(n for n, line in enumerate(text.splitlines(), 1) if '"Transactional"' in line)
    run = run_checks(
        tmp_path, "--templates", str(template), "--max-template-bytes", "30000000", "-k", "SES-CS-002",
        timeout=900,
    )  # fmt: skip
    rows = json.loads(run.reports["findings.json"])["findings"]
    row = next(r for r in rows if r["policy_id"] == "SES-CS-002" and r["resource"]["id"] == "Transactional")
    assert (row["status"], row["resource"]["line"]) == ("fail", expected_line)
    assert run.cpu_seconds < 60  # the quadratic decode alone took 90 s of CPU
    assert run.max_rss_bytes < MEMORY_LIMIT_BYTES


def test_a_template_over_the_default_limit_is_an_error_row_without_reading_it(tmp_path: Path) -> None:
    template = tmp_path / "big.json"
    text = _cdk_like_template(1)
    template.write_text(text[:-1] + " " * 5_000_000 + "}")
    run = run_checks(tmp_path, "--templates", str(template), timeout=60)
    assert run.code == 1
    assert any(f"is {len(text) + 5_000_000} bytes, over the template size limit of 5000000 bytes" in p
               for p in _problems(run))  # fmt: skip


def test_the_json_decoder_gives_cfn_lint_nodes_marks_and_errors() -> None:
    from cfnlint.decode import cfn_json

    from sesguard.sources.cfn import json_decode

    def marks(node: object, out: list[tuple[str, int, int, int, int]]) -> list[tuple[str, int, int, int, int]]:
        start, end = getattr(node, "start_mark", None), getattr(node, "end_mark", None)
        if start is not None and end is not None:
            out.append((type(node).__name__, start.line, start.column, end.line, end.column))
        if isinstance(node, dict):
            for key, value in node.items():
                marks(key, out)
                marks(value, out)
        elif isinstance(node, list):
            for value in node:
                marks(value, out)
        return out

    for text in (
        (FIXTURES / "cfn_json_sample.json").read_text(),
        _cdk_like_template(20),
        '{"A": [1, 2.5, -3e2, "x\\"y\\u00e9", {"B": null, "C": true, "D": false}], "E": {}, "F": []}',
        '\t{\n\t"Resources":\n{"T": {"Type": "AWS::SNS::Topic"}}}',
    ):
        ours, theirs = json_decode.loads(text), cfn_json.loads(text)
        assert ours == theirs
        assert marks(ours, []) == marks(theirs, [])
    assert len(marks(json_decode.loads(_cdk_like_template(20)), [])) > 200
    with pytest.raises(json_decode.JsonTemplateError, match='Duplicate found "Topic"') as duplicate:
        json_decode.loads('{"Resources": {\n "Topic": {},\n "Topic": {}}}')
    assert duplicate.value.line == 3
    with pytest.raises(json_decode.JsonTemplateError, match="Expecting ',' delimiter") as broken:
        json_decode.loads('{"Resources": {\n "Topic": {}\n "Other": {}}}')
    assert broken.value.line == 3
