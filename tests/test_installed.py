"""sesguard installed from its wheel, used outside any checkout, as a user would.

The wheel is built from this source tree (copied, so the build leaves nothing behind), installed with
``pip --target`` into a fresh virtual environment's site-packages: a layout like ``pip install --user``
where nothing is under ``sys.prefix/share``. The dependencies come from this environment through a
``.pth`` line (offline, fast); sesguard itself only from the wheel.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
ANYWHERE = shutil.ignore_patterns("*.egg-info", "__pycache__", ".*_cache")
TOP_LEVEL = {".venv", ".git", "reports", "build"}


def ignored(folder: str, names: list[str]) -> set[str]:
    """What a copy of the source tree leaves out: caches anywhere, the checkout's own state at the top."""
    top = {n for n in names if n in TOP_LEVEL} if Path(folder) == REPO else set()
    return top | ANYWHERE(folder, names)


def run(
    *command: str | Path, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(c) for c in command], cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False
    )


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv's python with only the built wheel of sesguard (and this environment's dependencies)."""
    base = tmp_path_factory.mktemp("installed")
    source = base / "source"
    shutil.copytree(REPO, source, symlinks=True, ignore=ignored)
    built = run(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "--no-index",
                ".", "-w", base / "dist", cwd=source)  # fmt: skip
    assert built.returncode == 0, built.stderr
    wheel = next((base / "dist").glob("sesguard-*.whl"))
    venv = base / "venv"
    made = run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=base)
    assert made.returncode == 0, made.stderr
    python = venv / "bin" / "python"
    site = Path(
        run(
            python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=base
        ).stdout.strip()
    )
    deps = sysconfig.get_paths()["purelib"]
    placed = run(sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-index", "--target", site, wheel,
                 cwd=base)  # fmt: skip
    assert placed.returncode == 0, placed.stderr
    (site / "zz_dependencies.pth").write_text(deps + "\n")
    return python


def user_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "PYTHON"))}
    env["HOME"] = env.get("HOME", "/tmp")
    return env


def test_the_wheel_runs_the_checks_anywhere(installed: Path, tmp_path: Path) -> None:
    where = run(installed, "-c", "import sesguard, sesguard.policies as p; print(sesguard.__file__); "
                "print(p.default_policy_dir())", cwd=tmp_path)  # fmt: skip
    assert where.returncode == 0, where.stderr
    package, policies = where.stdout.split()
    assert str(installed.parent.parent) in package and str(REPO) not in package
    assert len(list(Path(policies).glob("SES-*.yaml"))) >= 35

    project = tmp_path / "project"
    shutil.copytree(REPO / "examples" / "templates", project / "infra")
    (project / "test_app.py").write_text("def test_app():\n    assert 1 + 1 == 2\n")
    own = run(installed, "-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=project, env=user_env())
    assert own.returncode == 0, own.stdout + own.stderr
    assert "1 passed" in own.stdout and "sesguard" not in own.stdout

    checks = run(installed, "-m", "pytest", "--templates", "infra", "-p", "no:cacheprovider", cwd=project,
                 env=user_env())  # fmt: skip
    assert checks.returncode == 1, checks.stdout + checks.stderr
    assert "FAILED SES-CS-001::infra/marketing-mail.yaml:MarketingSet [high] infra/marketing-mail.yaml:17" in checks.stdout
    assert "test_app" not in checks.stdout
    doc = json.loads((project / "reports" / "findings.json").read_text())
    assert doc["summary"]["verdict"] == "non-compliant" and doc["run"]["policy_count"] >= 35

    pyargs = run(installed, "-m", "pytest", "--pyargs", "sesguard.checks", "--templates", "infra",
                 "--report-dir", "pyargs", "-p", "no:cacheprovider", cwd=project, env=user_env())  # fmt: skip
    assert pyargs.returncode == 1, pyargs.stdout + pyargs.stderr
    again = json.loads((project / "pyargs" / "findings.json").read_text())
    assert again["findings"] == doc["findings"]

    listed = run(
        installed,
        "-c",
        "import sys, sesguard.cli; sys.exit(sesguard.cli.main())",
        "policies",
        cwd=project,
        env=user_env(),
    )
    assert listed.returncode == 0 and "SES-CS-001" in listed.stdout, listed.stderr
    iac = run(installed, "-c", "import sys, sesguard.cli; sys.exit(sesguard.cli.main())", "iac", "infra",
              "--report-dir", "iac", cwd=project, env=user_env())  # fmt: skip
    assert iac.returncode == 1, iac.stdout + iac.stderr
    assert json.loads((project / "iac" / "findings.json").read_text())["findings"] == doc["findings"]
