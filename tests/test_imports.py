"""Imports: heavy optional dependencies load when used, not at import; the sesguard import graph has no cycle."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest


def _loaded_after(module: str, *candidates: str) -> list[str]:
    """Which of ``candidates`` a fresh interpreter has in ``sys.modules`` after ``import module``."""
    code = f"import sys, {module}; print(' '.join(m for m in {candidates!r} if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return result.stdout.split()


@pytest.mark.parametrize("module", ["sesguard.local", "sesguard.local.cli", "sesguard.local.endpoint"])
def test_the_local_endpoint_loads_moto_only_when_it_starts(module: str) -> None:
    assert _loaded_after(module, "moto", "werkzeug", "flask", "boto3") == []


def test_the_check_really_sees_moto() -> None:  # the control: the check can fail
    assert _loaded_after("sesguard.local.moto_bridge", "moto") == ["moto"]


def test_a_template_run_loads_no_aws_client(tmp_path: Path) -> None:
    """``pytest checks/ --templates``: botocore's session and boto3 (HTTP, TLS, documentation: a fifth
    of a second) are for live runs; the SES action names a wildcard grants come from its model files."""
    root = Path(__file__).resolve().parent.parent
    (tmp_path / "modules_at_exit.py").write_text(
        "import sys\n\ndef pytest_unconfigure(config):\n"
        "    print('LOADED', [m for m in ('boto3', 'botocore.session', 'urllib3') if m in sys.modules])\n"
    )
    template = root / "tests" / "fixtures" / "cfn" / "policies" / "SES-IAM-001.yaml"  # grants ses:*
    command = [sys.executable, "-m", "pytest", str(root / "checks"), "-p", "modules_at_exit", "-p", "no:cacheprovider",
               "--templates", str(template), "--report-dir", str(tmp_path / "reports")]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    result = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, env=env)
    assert result.returncode == 1, result.stdout[-2000:] + result.stderr[-2000:]
    assert "LOADED []" in result.stdout
    # the control: the run did expand ses:* into botocore's operations (a v1-only one among them)
    assert "ses:GetBlacklistReports" in (tmp_path / "reports" / "findings.json").read_text()


def test_a_terraform_run_loads_no_cloudformation_decoder(tmp_path: Path) -> None:
    """``pytest checks/ --templates`` on Terraform: cfn-lint (its import loads the whole linter, sympy
    and networkx: most of a second) is loaded only when a CloudFormation template is decoded."""
    root = Path(__file__).resolve().parent.parent
    (tmp_path / "modules_at_exit.py").write_text(
        "import sys\n\ndef pytest_unconfigure(config):\n"
        "    print('LOADED', [m for m in ('cfnlint', 'sympy', 'networkx') if m in sys.modules])\n"
    )
    (tmp_path / "infra").mkdir()
    (tmp_path / "infra" / "main.tf").write_text(
        'resource "aws_sesv2_configuration_set" "s" { configuration_set_name = "plain" }\n'
    )
    (tmp_path / "cfn").mkdir()
    (tmp_path / "cfn" / "t.yaml").write_text(
        "Resources:\n  S: {Type: AWS::SES::ConfigurationSet, Properties: {Name: plain}}\n"
    )
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}

    def loaded(path: str) -> str:
        command = [sys.executable, "-m", "pytest", str(root / "checks"), "-p", "modules_at_exit",
                   "-p", "no:cacheprovider", "--templates", path, "--report-dir", str(tmp_path / "reports")]  # fmt: skip
        result = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, env=env)
        assert result.returncode == 1, result.stdout[-2000:] + result.stderr[-2000:]
        return next(line for line in result.stdout.splitlines() if line.startswith("LOADED"))

    assert loaded("infra") == "LOADED []"
    assert loaded("cfn") == "LOADED ['cfnlint', 'sympy', 'networkx']"  # the control: the check can fail


# --- the import graph ------------------------------------------------------------------------------
# Every import of a sesguard module by another counts: at module level, under ``if TYPE_CHECKING:``
# and inside functions alike. A deferred or type-only import still makes the two modules depend on
# each other (the cycles this replaced were all hidden that way). ``from package import name``
# counts as an import of ``package.name`` when that is a module, else of ``package``; importing
# ``a.b`` runs ``a/__init__.py`` too, but that implicit edge is not counted (a package may re-export
# its modules' names).

SESGUARD = Path(__file__).resolve().parent.parent / "sesguard"


def module_files(package: Path) -> dict[str, Path]:
    """Every module of ``package`` by dotted name (a package by its own name)."""
    found = {}
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(package.parent).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def _source(name: str, path: Path, node: ast.ImportFrom) -> str:
    """The absolute name of the module ``from ... import`` reads, in module ``name`` (file ``path``)."""
    if not node.level:
        return node.module or ""
    base = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def import_edges(package: Path) -> dict[str, dict[str, int]]:
    """module -> {module of the same package it imports: line of the first such import}."""
    modules = module_files(package)
    edges: dict[str, dict[str, int]] = {name: {} for name in modules}
    for name, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                dotted = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                source = _source(name, path, node)
                dotted = [f"{source}.{a.name}" if f"{source}.{a.name}" in modules else source for a in node.names]
            else:
                continue
            for target in dotted:
                while target and target not in modules:  # a name inside a module: that module
                    target = target.rpartition(".")[0]
                if target and target != name:
                    edges[name].setdefault(target, node.lineno)
    return edges


def cycles(edges: dict[str, dict[str, int]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in edges[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return sorted(found)


def describe(component: list[str], edges: dict[str, dict[str, int]]) -> str:
    members = set(component)
    return "; ".join(
        f"{a} imports {b} (line {line})" for a in component for b, line in sorted(edges[a].items()) if b in members
    )


def test_the_sesguard_import_graph_is_acyclic() -> None:
    edges = import_edges(SESGUARD)
    assert len(edges) > 100 and edges["sesguard.local.endpoint"]  # the graph was really read
    found = cycles(edges)
    assert not found, "import cycles:\n" + "\n".join(describe(c, edges) for c in found)


def test_cycles_are_found_however_the_import_is_written(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "sub" / "__init__.py").write_text("")
    (package / "a.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .b import B\n")
    (package / "b.py").write_text("def f():\n    from pkg import a\n")
    (package / "sub" / "c.py").write_text("from ..d import x\n")
    (package / "d.py").write_text("import pkg.sub.c\nx = 1\n")
    (package / "e.py").write_text("from pkg.a import *\n")
    edges = import_edges(package)
    assert cycles(edges) == [["pkg.a", "pkg.b"], ["pkg.d", "pkg.sub.c"]]
    assert "pkg.a imports pkg.b (line 3)" in describe(["pkg.a", "pkg.b"], edges)
