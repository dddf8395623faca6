"""The live scan: accounts x regions read concurrently into one :class:`~sesguard.model.Inventory`.

Three pools of ``max_workers`` threads: the scan pool runs one task per account (entering it: assume
role, list regions), then one per account x region and one per account for IAM; the item pool runs
the per-item calls those tasks fan out (``GetEmailIdentity``, configuration sets, the reputation
metrics, receipt rules, per-user key reads, DNS); the paced pool runs each region's series of calls
that AWS rate-limits (the notification batches), so they start as soon as the identities are listed
instead of waiting behind the item pool's queue (a region task starts at most one series, so the
paced pool, as wide as the scan pool, never queues). Item and paced tasks never wait on other tasks,
so the pools cannot deadlock.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import Executor, Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from typing import Final

import boto3
import botocore.session

from sesguard.model import IAM_PRINCIPAL, Inventory, Location
from sesguard.shards import Shard
from sesguard.sources.live.accounts import (
    Caller,
    RoleRequest,
    assume_role,
    caller_identity,
    organization_accounts,
    scan_regions,
)
from sesguard.sources.live.dmarc import DmarcChecker, default_resolver
from sesguard.sources.live.errors import AWS_ERRORS, REGIONAL_TYPES, Collected, error_code
from sesguard.sources.live.iam import read_iam
from sesguard.sources.live.options import ALL_REGIONS, LiveOptions
from sesguard.sources.live.paging import fan_out
from sesguard.sources.live.preflight import NO_REGION
from sesguard.sources.live.regions import read_region
from sesguard.sources.live.scope import Scope
from sesguard.sources.live.session import AccountSession, CallCounter, make_config, retry_policy
from sesguard.sources.live.values import iso

CALLER_SET: Final = "caller"  # stands for the account when GetCallerIdentity fails
DEFAULT_HOME: Final = "us-east-1"


class DnsUnavailableError(RuntimeError):
    """``--dns`` without dnspython installed."""


class NoRegionError(Exception):
    """``regions=["all"]`` found no region to read (none enabled where botocore lists SES)."""

    code = "NoSesRegion"

    def __init__(self, partition: str) -> None:
        super().__init__(
            f"no enabled region of partition {partition} where the installed botocore lists SES; "
            "name the regions with --regions"
        )


def _resolver_unavailable(name: str) -> list[str]:
    raise DnsUnavailableError(f"{name}: dnspython is not installed (pip install 'sesguard[dns]')")


@dataclass
class _Plan:
    """One account ready to read (``session`` None when it cannot be entered)."""

    account: str
    session: AccountSession | None
    scopes: list[Scope] = field(default_factory=list)
    account_scope: Scope | None = None
    collected: Collected = field(default_factory=Collected)


class _Scan:
    """The state of one collect_live call."""

    def __init__(self, options: LiveOptions) -> None:
        self.options = options
        self.now = options.now or datetime.now(UTC)
        self.counter = CallCounter()
        core = botocore.session.Session(profile=options.profile)
        retries = retry_policy(options.max_attempts, core.get_config_variable)
        self.config = make_config(retries, options.max_workers, options.connect_timeout, options.read_timeout)
        self.base = AccountSession(
            boto3.Session(botocore_session=core), "caller", self.counter, self.config, options.call_deadline
        )
        self.home = self._home_region()
        self.result = Collected()
        self.dmarc = self._dmarc()
        self.role = (
            RoleRequest(
                options.assume_role,
                session_name=options.role_session_name,
                duration_seconds=options.role_session_duration,
                external_id=options.external_id,
            )
            if options.assume_role
            else None
        )

    def _home_region(self) -> str:
        region = self.base.default_region
        if self.options.regions is None:
            if not region:
                raise ValueError(NO_REGION)
            return region
        if region:
            return region
        return DEFAULT_HOME if self.options.all_regions else self.options.regions[0]

    def _dmarc(self) -> DmarcChecker | None:
        if not self.options.dns:
            return None
        resolver = self.options.resolver or default_resolver()
        if resolver is None:
            # --dns was asked for: the DMARC rows must say they could not be checked, not skip.
            self.result.notes["dns"] = (
                "DMARC not checked: DNS look-ups need dnspython (pip install 'sesguard[dns]')"
            )
            return DmarcChecker(_resolver_unavailable)
        return DmarcChecker(resolver)

    def targets(self, caller: Caller) -> list[str] | None:
        """The accounts to read, or None when the organization could not be listed."""
        found = list(self.options.accounts or [])
        if self.options.organization:
            try:
                found.extend(organization_accounts(self.base, self.home))
            except AWS_ERRORS as exc:
                _fail_everywhere(self.result, exc, "ListAccounts", caller.account, ["organization"])
                return None
        if not found:
            found = [caller.account]
        return list(dict.fromkeys(found))

    def plan(self, caller: Caller, account: str) -> _Plan:
        """Enter one account (assume its role) and list its regions."""
        plan = _Plan(account, None)
        opts = self.options
        if self.role is not None and account != caller.account:
            try:
                plan.session = assume_role(
                    self.base,
                    caller,
                    account,
                    self.role,
                    region=self.home,
                    profile=opts.profile,
                    counter=self.counter,
                    config=self.config,
                )
            except AWS_ERRORS as exc:
                regions = [r for r in (opts.regions or [self.home]) if r != ALL_REGIONS]
                operation = f"AssumeRole {self.role.arn(caller.partition, account)}"
                fix = self.role.fix(caller, account)
                _fail_everywhere(plan.collected, exc, operation, account, regions, fix=fix)
                self._say(f"{account}: cannot assume {self.role.name}: {error_code(exc)}; fix: {fix}")
                return plan
        else:
            # The caller's own account (e.g. the organization's management account, which has no
            # OrganizationAccountAccessRole) is read with the caller's own credentials.
            plan.session = self.base
            if self.role is not None:
                plan.collected.notes["read_with_caller_credentials"] = [account]
        requested = opts.regions or [self.home]
        regions = scan_regions(
            plan.session, requested, home=self.home, partition=caller.partition, out=plan.collected
        )
        plan.scopes = [Scope(account, r, caller.partition) for r in regions]
        plan.account_scope = Scope(account, None, caller.partition)
        shard = opts.shard
        if shard is not None:
            plan.scopes = [s for s in plan.scopes if shard.owns_scope(account, s.region or "")]
            plan.account_scope = plan.account_scope if shard.owns_account(account) else None
        if not regions:
            # Nothing regional would be read: say so on every regional policy rather than stay silent.
            plan.collected.fail_types(
                NoRegionError(caller.partition),
                operation="region discovery",
                set_ref=Scope(account, "*").set_ref,
                location=Location(account=account),
                affects=REGIONAL_TYPES,
            )
        for key in ("regions_not_known", "region_discovery"):
            if account in plan.collected.notes.get(key, {}):
                self._say(f"{account}: {plan.collected.notes[key][account]}")
        return plan

    def _say(self, line: str) -> None:
        if self.options.progress:
            self.options.progress(line)

    def read_iam(self, session: AccountSession, scope: Scope, items: Executor) -> Collected:
        """Read the account's IAM principals (IAM is global; its client uses the home region)."""
        out = Collected()
        iam = session.client("iam", self.home)
        read_iam(iam, scope, items, out, report_wait=self.options.credential_report_wait, now=self.now)
        return out

    def read_region(
        self, session: AccountSession, scope: Scope, items: Executor, paced: Executor
    ) -> Collected:
        """Read one account and region."""
        out = read_region(
            session,
            scope,
            items,
            paced,
            now=self.now,
            lookback_days=self.options.lookback_days,
            dmarc=self.dmarc,
            strict=self.options.all_regions_strict,
        )
        for note in out.notes.get("regions_without_ses", {}).values():
            self._say(f"{scope.account}: {note}")
        return out


def _fail_everywhere(
    out: Collected,
    exc: BaseException,
    operation: str,
    account: str,
    regions: list[str],
    fix: str | None = None,
) -> None:
    """Errors blocking everything of an account: its region sets (``<account>/*`` when unknown) and IAM set."""
    for scope in [Scope(account, r) for r in regions or ["*"]] + [Scope(account, None)]:
        location = Location(account=account, region=None if scope.region == "*" else scope.region)
        out.fail_types(
            exc, operation=operation, set_ref=scope.set_ref, location=location, affects=("*",), fix=fix
        )


def _guarded(
    task: Callable[[], Collected], scopes: list[Scope], affects: tuple[str, ...], operation: str
) -> Collected:
    """Run a task; a bug in it becomes SourceErrors for its scopes rather than ending the scan."""
    try:
        return task()
    except Exception as exc:
        out = Collected()
        for scope in scopes:
            out.fail_types(
                exc, operation=operation, set_ref=scope.set_ref, location=scope.location(), affects=affects
            )
        return out


def collect_live(options: LiveOptions) -> Inventory:
    """Read the accounts and regions of ``options`` into an inventory of base properties and errors."""
    options.validate()
    started = time.monotonic()
    scan = _Scan(options)
    inventory = Inventory(collected_at=iso(scan.now))
    result = scan.result
    plans: list[_Plan] = []
    caller: Caller | None = None
    try:
        caller = caller_identity(scan.base, scan.home)
        scan.base.account = caller.account
    except Exception as exc:  # an AWS error or an answer botocore chokes on: error rows, never an abort
        _fail_everywhere(result, exc, "GetCallerIdentity", CALLER_SET, [])
    targets = scan.targets(caller) if caller else None
    if targets and options.shard is not None and options.shard.by == "account":
        targets = [account for account in targets if options.shard.owns(account)]
    if caller and targets:
        with (
            ThreadPoolExecutor(options.max_workers, thread_name_prefix="sesguard-scan") as outer,
            ThreadPoolExecutor(options.max_workers, thread_name_prefix="sesguard-item") as items,
            ThreadPoolExecutor(options.max_workers, thread_name_prefix="sesguard-paced") as paced,
        ):
            known = caller
            plans = fan_out(outer, lambda account: scan.plan(known, account), targets)
            work: dict[Future[Collected], str] = {}
            for plan in plans:
                result.merge(plan.collected)
                session = plan.session
                if session is None:
                    continue
                for scope in plan.scopes:
                    task = partial(scan.read_region, session, scope, items, paced)
                    future = outer.submit(_guarded, task, [scope], REGIONAL_TYPES, "read region")
                    work[future] = f"{scope.account} {scope.region}"
                if plan.account_scope is not None:
                    task = partial(scan.read_iam, session, plan.account_scope, items)
                    future = outer.submit(_guarded, task, [plan.account_scope], (IAM_PRINCIPAL,), "read IAM")
                    work[future] = f"{plan.account} iam"
            for done, future in enumerate(as_completed(work), start=1):
                collected = future.result()
                result.merge(collected)
                if options.progress:
                    errors = f" ({len(collected.failures)} failed reads)" if collected.failures else ""
                    options.progress(f"[{done}/{len(work)}] {work[future]} done{errors}")
    return _inventory(inventory, result, plans, scan, time.monotonic() - started)


def _owned(shard: Shard | None, location: Location) -> bool:
    """Whether a region-split shard keeps what was read at ``location`` (an account split keeps all)."""
    if shard is None or shard.by == "account" or not location.account:
        return True
    if location.region:
        return shard.owns_scope(location.account, location.region)
    return shard.owns_account(location.account)


def _inventory(
    inventory: Inventory, result: Collected, plans: list[_Plan], scan: _Scan, seconds: float
) -> Inventory:
    shard = scan.options.shard
    resources = [r for r in result.resources if _owned(shard, r.location)]
    errors = [e for e in result.errors if _owned(shard, e.location)]
    inventory.resources = sorted(resources, key=lambda r: (r.set_name, r.type, r.id))
    inventory.errors = sorted(errors, key=lambda e: (e.set_name, e.affects, e.message))
    refs = {s.set_ref for p in plans for s in [*p.scopes, *([p.account_scope] if p.account_scope else [])]}
    refs.update(r.set_ref for r in inventory.resources)
    refs.update(e.set_ref for e in inventory.errors)
    quiet = result.notes.get("regions_without_ses", {})  # a note, not rows
    inventory.sets = {ref.name: ref for ref in sorted(refs, key=lambda r: r.name) if ref.name not in quiet}
    inventory.meta["api_calls"] = scan.counter.calls()
    if shard is not None:
        inventory.meta["shard"] = shard.as_dict()
    inventory.meta["live"] = {
        "accounts": sorted(p.account for p in plans),
        "iam_accounts": sorted(p.account for p in plans if p.account_scope is not None),
        "regions": {p.account: [s.region for s in p.scopes] for p in plans},
        "seconds": round(seconds, 3),
        "api_call_total": scan.counter.total,
        "http_requests": scan.counter.attempts,
        "read_failures": [f.as_dict() for f in result.failures],
        **result.notes,
    }
    return inventory
