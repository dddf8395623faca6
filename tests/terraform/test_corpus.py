"""Every file of the shared Terraform corpus is read without an internal error.

The corpus (``../shared/corpus/iac/terraform`` from the repository root) flattens each repository's
path into the file name (``owner__repo__dir__file.tf``); the tests rebuild one module directory per
original directory so references resolve as they do in the source repository, and also read the flat
folder as it is. Skipped when the folder is absent.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sesguard.model import TEMPLATE_SET, Inventory
from sesguard.sources.terraform import read_terraform

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "iac" / "terraform"

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"corpus folder {CORPUS} is absent")


def _corpus_files() -> list[Path]:
    return sorted(CORPUS.glob("*.tf")) if CORPUS.is_dir() else []


@pytest.fixture(scope="module")
def modules(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The corpus rebuilt as one directory per original module directory."""
    root = tmp_path_factory.mktemp("corpus")
    for path in _corpus_files():
        module, _, name = path.name.rpartition("__")
        (root / module).mkdir(exist_ok=True)
        shutil.copy(path, root / module / name)
    return root


def _internal(inventory: Inventory) -> list[str]:
    return [e.message for e in inventory.errors if e.code == "internal-error"]


def test_corpus_is_present() -> None:
    assert len(_corpus_files()) >= 40


@pytest.mark.parametrize("path", _corpus_files(), ids=lambda p: p.name)
def test_each_file_reads_cleanly(modules: Path, path: Path) -> None:
    module, _, name = path.name.rpartition("__")
    inventory = read_terraform(modules / module / name, path.name)
    assert _internal(inventory) == []
    # every corpus file parses; only calls of modules that are not local (or not in the corpus) are noted
    assert [e.message for e in inventory.errors if e.code != "module-not-read"] == []
    assert [r.type for r in inventory.resources].count(TEMPLATE_SET) == 1


def test_whole_corpus_as_modules(modules: Path) -> None:
    inventory = read_terraform(modules, "corpus")
    assert _internal(inventory) == []
    assert [e for e in inventory.errors if e.code != "module-not-read"] == []
    kinds = {r.type for r in inventory.resources}
    assert kinds >= {"email_identity", "configuration_set", "iam_principal", "receipt_rule", "account"}
    assert len(inventory.resources) >= 50


def test_flat_corpus_folder(tmp_path: Path) -> None:
    inventory = read_terraform(CORPUS, "flat")
    assert _internal(inventory) == []
    # one module made of many repositories: only duplicate declarations are reported
    assert {e.code for e in inventory.errors} <= {"duplicate", "module-not-read"}


def test_corpus_flags_are_found(modules: Path) -> None:
    inventory = read_terraform(modules, "corpus")
    (template_set,) = [r for r in inventory.resources if r.type == TEMPLATE_SET]
    exposed = {(Path(e["file"]).parent.name, e["where"]) for e in template_set.props["secret_exposures"]}
    assert exposed == {
        ("7Factor__terraform-aws-ses", "output.smtp_user_secret"),
        ("akrantz01__homelab__terraform__modules__user", "output.secret_access_key"),
        ("akrantz01__homelab__terraform__modules__user", "output.smtp_password"),
    }
    checkov = {r.id: r.props["tls_policy"] for r in inventory.resources
               if r.type == "configuration_set" and "SesConfigurationSetDefinesTLS" in str(r.location.file)}
    assert checkov["aws_ses_configuration_set.fail"] != "REQUIRE"
    assert checkov["aws_ses_configuration_set.fail2"] != "REQUIRE"
    assert "REQUIRE" in checkov.values()
