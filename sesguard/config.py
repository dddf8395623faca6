"""User settings (``sesguard.yaml`` or ``[tool.sesguard]``) and waivers, validated at load time."""

from __future__ import annotations

import tomllib
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Final

import yaml

from sesguard.policies import SEVERITIES, Policy, PolicyError, read_yaml, validate_document

CONFIG_FILE_NAMES: Final = ("sesguard.yaml", "sesguard.yml", ".sesguard.yaml")
DEFAULT_FAIL_ON: Final = "low"

_WAIVER_SCHEMA: Final = {
    "type": "object",
    "additionalProperties": False,
    "required": ["policy", "resource", "reason", "expires"],
    "properties": {
        "policy": {"type": "string", "pattern": "^SES-[A-Z]+-[0-9]{3}$"},
        "resource": {"type": "string", "minLength": 1},
        "reason": {"type": "string", "minLength": 3},
        "expires": {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
        "owner": {"type": "string"},
    },
}
CONFIG_SCHEMA: Final = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "fail_on": {"enum": list(SEVERITIES)},
        "disabled": {"type": "array", "items": {"type": "string", "pattern": "^SES-[A-Z]+-[0-9]{3}$"}},
        "parameters": {
            "type": "object",
            "propertyNames": {"pattern": "^SES-[A-Z]+-[0-9]{3}$"},
            "additionalProperties": {"type": "object"},
        },
        "waivers": {"type": "array", "items": _WAIVER_SCHEMA},
        "waivers_file": {"type": "string"},
    },
}
WAIVER_FILE_SCHEMA: Final = {
    "type": "object",
    "additionalProperties": False,
    "required": ["waivers"],
    "properties": {"waivers": {"type": "array", "items": _WAIVER_SCHEMA}},
}


class ConfigError(ValueError):
    """A config or waiver file that cannot be used; one line naming the file, place and problem."""


@dataclass(frozen=True)
class Waiver:
    """An accepted exception for exactly one (policy, resource) row, with a reason and an expiry."""

    policy: str
    resource: str
    reason: str
    expires: date | None  # None: inline suppressions and baseline entries do not expire
    origin: str
    owner: str | None = None
    kind: str = "waiver"  # waiver (config or waiver file) | inline (in a template) | baseline

    @property
    def row_id(self) -> str:
        return f"{self.policy}::{self.resource}"

    def expired(self, today: date) -> bool:
        return self.expires is not None and today > self.expires


@dataclass
class Settings:
    """The effective settings of a run."""

    fail_on: str = DEFAULT_FAIL_ON
    disabled: tuple[str, ...] = ()
    parameters: dict[str, dict[str, Any]] = field(default_factory=dict)
    waivers: list[Waiver] = field(default_factory=list)
    config_file: str | None = None
    waiver_files: list[str] = field(default_factory=list)

    def params_for(self, policies: Sequence[Policy]) -> dict[str, dict[str, Any]]:
        """Each policy's parameters: defaults overridden by the config."""
        return {p.id: {**p.defaults(), **self.parameters.get(p.id, {})} for p in policies}


def find_config(start: Path) -> Path | None:
    """``sesguard.yaml`` in ``start``, or a ``pyproject.toml`` there with a ``[tool.sesguard]`` table."""
    for name in CONFIG_FILE_NAMES:
        if (start / name).exists():  # not a regular file (a FIFO): refused when read, never ignored
            return start / name
    pyproject = start / "pyproject.toml"
    if pyproject.is_file():
        try:
            if "sesguard" in tomllib.loads(pyproject.read_text(encoding="utf-8")).get("tool", {}):
                return pyproject
        except (tomllib.TOMLDecodeError, OSError):
            return pyproject  # let load_settings report the problem with its location
    return None


def _read(path: Path) -> tuple[Any, yaml.Node | None]:
    if path.suffix == ".toml":
        from sesguard.policies import MAX_YAML_BYTES
        from sesguard.sources.input_files import read_regular

        try:
            data = tomllib.loads(read_regular(path, MAX_YAML_BYTES).decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise ConfigError(f"{path}: cannot read: not UTF-8 text") from exc
        except OSError as exc:
            raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from exc
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: invalid TOML: {exc}") from exc
        return _dates_as_text(data.get("tool", {}).get("sesguard", {})), None
    try:
        data, node = read_yaml(path)
    except PolicyError as exc:
        raise ConfigError(str(exc)) from exc
    return {} if data is None else data, node


def _dates_as_text(value: Any) -> Any:
    """TOML reads ``2027-01-31`` as a date; the schema and messages work on the text users wrote."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _dates_as_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_dates_as_text(v) for v in value]
    return value


def _validate(data: Any, schema: Mapping[str, Any], origin: str, node: yaml.Node | None) -> None:
    problems = validate_document(data, schema, origin, node)
    if problems:
        raise ConfigError(problems[0] + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""))


def _waivers(entries: Sequence[Mapping[str, Any]], origin: str) -> list[Waiver]:
    waivers = []
    for index, entry in enumerate(entries):
        try:
            expires = date.fromisoformat(entry["expires"])
        except ValueError as exc:
            raise ConfigError(
                f"{origin}: waivers[{index}].expires: {entry['expires']!r} is not a date ({exc})"
            ) from exc
        waivers.append(
            Waiver(entry["policy"], entry["resource"], entry["reason"], expires, origin, entry.get("owner"))
        )
    return waivers


def load_waiver_file(path: Path) -> list[Waiver]:
    """A waiver file: ``waivers: [{policy, resource, reason, expires}]``."""
    data, node = _read(path)
    _validate(data, WAIVER_FILE_SCHEMA, str(path), node)
    return _waivers(data["waivers"], str(path))


def load_settings(
    config_path: Path | None,
    waiver_paths: Sequence[Path],
    policies: Sequence[Policy],
    fail_on: str | None = None,
    not_loaded: Collection[str] = (),
) -> Settings:
    """Read the config file and waiver files, check them against the policies; raises ConfigError.

    ``not_loaded``: the IDs of policy files that could not be loaded (reported on their own): the
    settings may name them without being wrong."""
    settings = Settings()
    if config_path is not None:
        if not config_path.exists():
            raise ConfigError(f"{config_path}: config file not found")
        origin = str(config_path) + (" [tool.sesguard]" if config_path.suffix == ".toml" else "")
        data, node = _read(config_path)
        _validate(data, CONFIG_SCHEMA, origin, node)
        settings.config_file = str(config_path)
        settings.fail_on = data.get("fail_on", DEFAULT_FAIL_ON)
        settings.disabled = tuple(data.get("disabled", ()))
        settings.parameters = {k: dict(v) for k, v in data.get("parameters", {}).items()}
        settings.waivers = _waivers(data.get("waivers", []), origin)
        if "waivers_file" in data:
            extra = (config_path.parent / data["waivers_file"]).resolve()
            waiver_paths = [*waiver_paths, extra]
    for path in waiver_paths:
        if not path.exists():
            raise ConfigError(f"{path}: waiver file not found")
        settings.waivers.extend(load_waiver_file(path))
        settings.waiver_files.append(str(path))
    if fail_on is not None:
        if fail_on not in SEVERITIES:
            raise ConfigError(
                f"--fail-on: {fail_on!r} is not a severity (choose from {', '.join(SEVERITIES)})"
            )
        settings.fail_on = fail_on
    _check_against_policies(settings, policies, not_loaded)
    return settings


def _check_against_policies(
    settings: Settings, policies: Sequence[Policy], not_loaded: Collection[str]
) -> None:
    by_id = {p.id: p for p in policies}
    origin = settings.config_file or "config"
    for policy_id in settings.disabled:
        if policy_id not in by_id and policy_id not in not_loaded:
            raise ConfigError(f"{origin}: disabled: unknown policy ID {policy_id!r}")
    for policy_id, overrides in settings.parameters.items():
        if policy_id in not_loaded and policy_id not in by_id:
            continue
        if policy_id not in by_id:
            raise ConfigError(f"{origin}: parameters.{policy_id}: unknown policy ID")
        declared = by_id[policy_id].parameters
        for name, value in overrides.items():
            if name not in declared:
                known = ", ".join(sorted(declared)) or "none"
                raise ConfigError(
                    f"{origin}: parameters.{policy_id}.{name}: unknown parameter (known: {known})"
                )
            default = declared[name]["default"]
            if not _same_kind(value, default):
                raise ConfigError(
                    f"{origin}: parameters.{policy_id}.{name}: {value!r} is not a {type(default).__name__} "
                    f"like the default {default!r}"
                )
    seen: dict[str, Waiver] = {}
    for waiver in settings.waivers:
        if waiver.policy not in by_id and waiver.policy not in not_loaded:
            raise ConfigError(f"{waiver.origin}: waiver for unknown policy ID {waiver.policy!r}")
        if waiver.row_id in seen:
            raise ConfigError(
                f"{waiver.origin}: duplicate waiver for {waiver.row_id} (also in {seen[waiver.row_id].origin})"
            )
        seen[waiver.row_id] = waiver


def _same_kind(value: Any, default: Any) -> bool:
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(value, bool) and isinstance(default, bool)
    if isinstance(default, int | float):
        return isinstance(value, int | float)
    return isinstance(value, type(default))
