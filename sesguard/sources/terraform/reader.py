"""``read_terraform``: a file or directory given on the command line → one template set's inventory.

A directory is searched recursively (hidden directories and ``.terraform`` skipped): each directory
holding ``.tf`` files is a module (references resolve within it), and every ``.json`` file that is
``terraform show -json`` plan output is read too (other JSON is ignored). A module that another
module of the set calls (``source = "./..."``) is evaluated only through its calls, with the caller's
arguments (rows ``module.NAME.<address>``); the others are root modules. A single ``.tf`` file is
read with the rest of its directory, so its references resolve, but only the resources defined in
that file are emitted, and the set-level facts (account, credentials) come from that file only: the
set is what was asked for. Bad input never raises: a file that cannot be parsed becomes a
``SourceError`` and the rest of the set is still read.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any, Final

from sesguard.model import ACCOUNT, TEMPLATE_SET, Inventory, Location, Resource, SetRef, SourceError
from sesguard.secrets import unless_unread
from sesguard.sources.cfn.links import attach_across_files
from sesguard.sources.input_files import (
    DEFAULT_MAX_TEMPLATE_BYTES,
    file_problem,
    kind_problem,
    size_problem,
    walk_inputs,
)
from sesguard.sources.terraform.branches import Reading, read_branchwise
from sesguard.sources.terraform.hcl_reader import HclFile, HclParseError, parse_file
from sesguard.sources.terraform.module import HclModule, ModuleRegistry
from sesguard.sources.terraform.normalize import (
    SOURCE,
    alarm_facts,
    alarm_reads_ses,
    clean,
    enums,
    home_of,
    if_created,
    normalize_module,
)
from sesguard.sources.terraform.plan_reader import PlanError, is_plan_json, read_plan
from sesguard.sources.terraform.raw import RawResource
from sesguard.sources.terraform.secrets_scan import literal_credentials, secret_exposures
from sesguard.sources.terraform.set_links import cross_module_links

_SKIP_DIRS: Final = frozenset({".terraform", "node_modules", "__pycache__"})
_LISTED: Final = 5  # repeated declarations named in a module's one error


class _SetBuilder:
    """Collects what one template set yields."""

    def __init__(self, root: Path, set_name: str, reading: Reading | None = None) -> None:
        self.root = root
        self.reading = reading  # the branch-wise reading this pass is (branches.py)
        self.set_name = set_name
        self.inventory = Inventory(sets={set_name: SetRef(SOURCE, set_name)})
        self.raws: list[RawResource] = []
        self.exposures: list[dict[str, Any]] = []
        self.literals: list[dict[str, Any]] = []
        self.registry = ModuleRegistry()
        self.pending: list[tuple[HclModule, HclFile | None]] = []  # exposures are traced once all are read
        self.only_file: Path | None = None

    def error(
        self,
        message: str,
        file: str | None,
        line: int | None = None,
        code: str = "parse-error",
        affects: tuple[str, ...] = ("*",),
    ) -> None:
        if any(e.message == message for e in self.inventory.errors):
            return  # one problem, one error (e.g. a remote module reached from two roots)
        self.inventory.errors.append(
            SourceError(
                message=message,
                set_ref=SetRef(SOURCE, self.set_name),
                location=Location(file=file or str(self.root), line=line),
                affects=affects,
                code=code,
            )
        )

    def read_module(
        self,
        directory: Path,
        tf_files: list[Path],
        tfvars: list[Path],
        display: dict[Path, str],
        only_file: Path | None = None,
    ) -> None:
        parsed: list[HclFile] = []
        for path in tf_files:
            hcl = self._parse(path, display[path])
            if hcl is not None:
                parsed.append(hcl)
        try:
            module = HclModule(
                directory,
                parsed,
                registry=self.registry,
                tree=self.root if self.root.is_dir() else self.root.parent,
                reading=self.reading,
            )
            for path in tfvars:
                hcl = self._parse(path, display[path])
                if hcl is None:
                    continue
                for name, attr in hcl.body.attributes.items():
                    module.tfvars[name] = module.evaluator().eval(attr.expr)
                if only_file is None:
                    self.literals.extend(literal_credentials(hcl))
            if module.duplicates:
                self._duplicates(directory, module.duplicates)
            chosen = next((h for h in parsed if h.path == only_file), None)
            self.only_file = only_file
            self.registry.add(module)
            self.pending.append((module, chosen))
            for hcl in parsed:
                if only_file is None or hcl.path == only_file:
                    self.literals.extend(literal_credentials(hcl))
        except Exception as err:
            self.error(
                f"{directory}: internal error reading the module ({type(err).__name__}: {err})",
                str(directory),
                code="internal-error",
            )

    def _duplicates(self, directory: Path, duplicates: list[tuple[str, HclFile, int]]) -> None:
        """One error for a module with repeated declarations (Terraform rejects such a module;
        sesguard reads the first), listing a few of them, however many there are."""
        key, hcl, line = duplicates[0]
        if len(duplicates) == 1:
            message = f"{hcl.display}:{line}: {key} is declared twice in module {directory}"
        else:
            listed = ", ".join(f"{k} ({h.path.name}:{n})" for k, h, n in duplicates[:_LISTED])
            more = len(duplicates) - _LISTED
            message = (
                f"{hcl.display}:{line}: {len(duplicates)} names are declared twice in module {directory} "
                f"(Terraform rejects the module; the first declaration is read): {listed}"
                + (f" and {more} more" if more > 0 else "")
            )
        self.error(message, hcl.display, line, code="duplicate")

    def _parse(self, path: Path, display: str) -> HclFile | None:
        try:
            return parse_file(path, display)
        except HclParseError as err:
            where = f"{display}:{err.line}" if err.line else display
            self.error(f"{where}: {err.what}", display, err.line)
        except Exception as err:
            self.error(
                f"{display}: internal error parsing ({type(err).__name__})", display, code="internal-error"
            )
        return None

    def read_plan_file(self, path: Path, display: str) -> None:
        try:
            result = read_plan(path, display)
        except PlanError as err:
            self.error(f"{display}: {err}", display)
            return
        except Exception as err:
            self.error(
                f"{display}: internal error reading the plan ({type(err).__name__}: {err})",
                display,
                code="internal-error",
            )
            return
        self.raws.extend(result.raws)
        self.exposures.extend(result.exposures)
        self.literals.extend(result.literals)

    def _expand_roots(self) -> None:
        """Raw resources of every root module (a module no other module of the set calls) and of the
        local modules each calls; module calls that are not read are errors of the set."""
        modules = [module for module, _ in self.pending]
        called: dict[Path, set[Path]] = {}
        for module in modules:
            here = module.directory.resolve()
            for name in module.calls:
                source = module.module_source(name)
                if isinstance(source, str) and source.startswith(("./", "../")):
                    target = (module.directory / source).resolve()
                    if target != here:
                        called.setdefault(target, set()).add(here)
        roots = [m for m in modules if m.directory.resolve() not in called]
        reached = {m.directory.resolve() for m in roots}
        frontier = list(reached)
        while frontier:  # modules called only from inside a cycle are read as roots too
            current = frontier.pop()
            for target, callers in called.items():
                if current in callers and target not in reached:
                    reached.add(target)
                    frontier.append(target)
        roots += [m for m in modules if m.directory.resolve() not in reached]
        for module in roots:
            try:
                self.raws.extend(module.raw_resources(self.only_file))
                for call in module.remote_calls:
                    # what the module creates is not seen: its own resources have no rows, and the
                    # set-wide facts it could change (suppression, VDM, alarms) cannot be judged
                    self.error(
                        f"{call.file.display}:{call.line}: {call.reason}; the resources it creates are "
                        "not evaluated",
                        call.file.display,
                        call.line,
                        code="module-not-read",
                        affects=(ACCOUNT,),
                    )
            except Exception as err:
                self.error(
                    f"{module.directory}: internal error evaluating the module ({type(err).__name__}: {err})",
                    str(module.directory),
                    code="internal-error",
                )

    def finish(self) -> Inventory:
        self._expand_roots()
        for module, chosen in self.pending:
            try:
                self.exposures.extend(secret_exposures(module, chosen, self.registry))
            except Exception as err:
                self.error(
                    f"{module.directory}: internal error tracing secrets ({type(err).__name__}: {err})",
                    str(module.directory),
                    code="internal-error",
                )
        by_module: dict[str, list[RawResource]] = defaultdict(list)
        for raw in self.raws:
            by_module[home_of(raw)].append(raw)
        resources: list[Resource] = []
        for raws in by_module.values():
            try:
                resources.extend(normalize_module(raws, self.set_name))
            except Exception as err:
                first = raws[0]
                self.error(
                    f"{first.file}: internal error normalizing ({type(err).__name__}: {err})",
                    first.file,
                    code="internal-error",
                )
        try:  # the set is the unit: policies naming a principal of another root module
            links = cross_module_links(self.raws)
            attach_across_files(resources, [(str(self.root), [("", links)])], {},
                                home_of=lambda resource: resource.scope or "")
        except Exception as err:
            self.error(
                f"{self.root}: internal error linking IAM policies across modules ({type(err).__name__}: {err})",
                str(self.root),
                code="internal-error",
            )
        # files not read (or not wholly); repeated declarations are read (the first) and remote
        # modules are not files of the set
        unread = [e.message for e in self.inventory.errors if e.code not in ("duplicate", "module-not-read")]
        emitted = [r for r in self.raws if r.emit]
        ses = [r for r in emitted if r.mode == "managed" and r.type.startswith(("aws_ses_", "aws_sesv2_"))]
        location = Location(file=str(self.root))
        ses_alarms = [r for r in emitted if r.mode == "managed" and r.type == "aws_cloudwatch_metric_alarm"]
        if ses or any(alarm_reads_ses(r) for r in ses_alarms):
            resources.append(
                Resource(
                    type=ACCOUNT,
                    id=self.set_name,
                    location=location,
                    set_ref=SetRef(SOURCE, self.set_name),
                    props=clean(self._account(emitted, len(ses))),
                    native_type=None,
                )
            )
        resources.append(
            Resource(
                type=TEMPLATE_SET,
                id=self.set_name,
                location=location,
                set_ref=SetRef(SOURCE, self.set_name),
                props={
                    "secret_exposures": unless_unread(self.exposures, unread),
                    "literal_credentials": unless_unread(self.literals, unread),
                },
                native_type=None,
            )
        )
        self.inventory.resources.extend(resources)
        return self.inventory

    @staticmethod
    def _account(emitted: list[RawResource], ses_count: int) -> dict[str, Any]:
        suppressed: Any = None
        vdm: Any = False
        for raw in emitted:
            if raw.type == "aws_sesv2_account_suppression_attributes":
                value = raw.values.get("suppressed_reasons")
                suppressed = if_created(raw, enums(value if value is not None else []))
            elif raw.type == "aws_sesv2_account_vdm_attributes":
                value = raw.values.get("vdm_enabled")
                vdm = if_created(raw, value == "ENABLED" if isinstance(value, str) else value)
        alarms = [
            alarm_facts(r) for r in emitted if r.type == "aws_cloudwatch_metric_alarm" and r.mode == "managed"
        ]
        return {
            "suppressed_reasons": suppressed,
            "vdm_enabled": vdm,
            "alarms": alarms,
            "ses_resource_count": ses_count,
        }


def _is_input(name: str) -> bool:
    return name.endswith((".tf", ".json")) or name == "terraform.tfvars" or name.endswith(".auto.tfvars")


def _walk(
    root: Path, limit: int | None
) -> tuple[dict[Path, list[Path]], dict[Path, list[Path]], list[Path], list[tuple[Path, str]]]:
    """(.tf files by directory, tfvars by directory, JSON files, what is not read) under a directory,
    sorted. ``.tf`` and tfvars files are held to ``limit``; plan JSON (read by the C decoder) is not."""
    tf: dict[Path, list[Path]] = defaultdict(list)
    tfvars: dict[Path, list[Path]] = defaultdict(list)
    json_files: list[Path] = []
    found = walk_inputs(root, _is_input, lambda d: d.startswith(".") or d in _SKIP_DIRS, None)
    problems = list(found.problems)
    for path in found.files:
        name, directory = path.name, path.parent
        too_large = None if name.endswith(".json") else size_problem(path.stat().st_size, limit)
        if too_large is not None:
            problems.append((path, too_large))
        elif name.endswith(".tf"):
            tf[directory].append(path)
        elif name == "terraform.tfvars" or name.endswith(".auto.tfvars"):
            tfvars[directory].append(path)
        else:
            json_files.append(path)
    return tf, tfvars, json_files, sorted(problems)


def _tfvars_of(directory: Path) -> list[Path]:
    names = sorted(p for p in directory.glob("*.auto.tfvars"))
    main = directory / "terraform.tfvars"
    return ([main] if main.is_file() else []) + names


def read_terraform(path: Path, set_name: str, max_bytes: int | None = DEFAULT_MAX_TEMPLATE_BYTES) -> Inventory:
    """Read a ``.tf`` file, a plan-JSON file or a directory of them as the template set ``set_name``
    (conditional expressions whose condition is unknown: branch by branch, see :mod:`.branches`);
    ``.tf`` and tfvars files over ``max_bytes`` are not read (errors naming them)."""
    return read_branchwise(lambda reading: _read_set(Path(path), set_name, max_bytes, reading))


def _read_set(path: Path, set_name: str, max_bytes: int | None, reading: Reading) -> Inventory:
    builder = _SetBuilder(path, set_name, reading)
    try:
        _read_into(builder, path, max_bytes)
    except Exception as err:
        builder.error(
            f"{path}: internal error ({type(err).__name__}: {err})", str(path), code="internal-error"
        )
    return builder.finish()


def _not_read(builder: _SetBuilder, problems: list[tuple[Path, str]]) -> None:
    for problem_path, problem in problems:
        builder.error(f"{problem_path}: {problem}", str(problem_path), code="not-read")


def _read_into(builder: _SetBuilder, path: Path, limit: int | None) -> None:
    if not path.exists():
        builder.error(f"{path}: no such file or directory", str(path), code="not-found")
        return
    if not path.is_dir():
        problem = kind_problem(path)
        if problem is not None:
            _not_read(builder, [(path, problem)])
            return
    if path.is_file():
        if path.suffix == ".tf":
            module = sorted(p for p in path.parent.glob("*.tf"))
            problem_of = {p: file_problem(p, path.parent, limit) for p in module}
            _not_read(builder, [(p, problem) for p, problem in problem_of.items() if problem is not None])
            siblings = [p for p in module if problem_of[p] is None]
            if path not in siblings:
                return
            display = {p: str(path) if p == path else str(path.parent / p.name) for p in siblings}
            display[path] = str(path)
            tfvars = _tfvars_of(path.parent)
            display.update({p: str(path.parent / p.name) for p in tfvars})
            builder.read_module(path.parent, siblings or [path], tfvars, display, only_file=path)
        elif is_plan_json(path):
            builder.read_plan_file(path, str(path))
        else:
            builder.error(
                f"{path}: not a Terraform file (.tf) or terraform plan JSON", str(path), code="not-terraform"
            )
        return
    tf, tfvars_by_dir, json_files, problems = _walk(path, limit)
    _not_read(builder, problems)
    plans = [p for p in json_files if is_plan_json(p)]
    if not tf and not plans and not problems:
        builder.error(f"{path}: no Terraform files (.tf) or plan JSON found", str(path), code="empty")
    for directory in sorted(tf):
        files = tf[directory]
        var_files = tfvars_by_dir.get(directory, [])
        display = {p: str(p) for p in files + var_files}
        builder.read_module(directory, files, var_files, display)
    for plan in plans:
        builder.read_plan_file(plan, str(plan))
