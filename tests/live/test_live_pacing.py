"""Rate limits respected by design: v1 notification batches paced at AWS's documented one per second."""

from __future__ import annotations

import threading
import time

import pytest

import sesguard.sources.live.regions as regions
from sesguard.local import LocalEndpoint
from sesguard.model import is_unknown
from sesguard.sources.live.pacing import Pacer

from .live_support import HOME, OTHER, Scan

PER_REGION = 301  # four notification batches of up to 100


def _identities(endpoint: LocalEndpoint, region: str) -> None:
    v2 = endpoint.client("sesv2", region)
    for i in range(PER_REGION):
        v2.create_email_identity(EmailIdentity=f"sender{i:03d}@{region}.example.com")


def test_hundreds_of_identities_per_region_have_every_topic_without_retries(
    endpoint: LocalEndpoint, scan: Scan, monkeypatch: pytest.MonkeyPatch
) -> None:
    for region in (HOME, OTHER):
        _identities(endpoint, region)
    # No retry to fall back on: only the pacing keeps the endpoint's 1 rps throttle from answering. It
    # holds under any load: each batch starts 1.02 s after the previous one was answered, so arrived.
    inventory = scan(regions=[HOME, OTHER], max_attempts=1)
    assert inventory.errors == []
    assert inventory.meta["live"]["read_failures"] == []
    identities_read = [r for r in inventory.resources if r.type == "email_identity"]
    assert len(identities_read) == 2 * PER_REGION
    assert not [r.id for r in identities_read if is_unknown(r.props["notification_topics"])]
    assert inventory.meta["api_calls"]["ses:GetIdentityNotificationAttributes"] == 8

    # The control: the same scan unpaced is throttled (the endpoint enforces AWS's rate).
    monkeypatch.setattr(regions, "NOTIFICATION_INTERVAL", 0.0)
    unpaced = scan(regions=[HOME], max_attempts=1)
    codes = {f["code"] for f in unpaced.meta["live"]["read_failures"]}
    assert codes == {"Throttling"}
    assert [
        r
        for r in unpaced.resources
        if r.type == "email_identity" and is_unknown(r.props["notification_topics"])
    ]


def test_pacer_starts_each_call_an_interval_after_the_previous_one_ended() -> None:
    now = [100.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    pacer = Pacer(1.0, clock=lambda: now[0], sleep=sleep)
    with pacer.turn():  # the first goes at once and takes 0.5 s
        now[0] += 0.5
    with pacer.turn():  # waits 1 s after the first ended, however long the first took
        now[0] += 2.0
    now[0] += 5.0
    with pacer.turn():  # long after: no wait
        pass
    assert slept == [1.0] and pacer.waited == 1.0


def test_pacer_runs_one_call_at_a_time_across_threads() -> None:
    pacer = Pacer(0.0)
    inside, most = [0], [0]
    lock = threading.Lock()

    def call() -> None:
        with pacer.turn():
            with lock:
                inside[0] += 1
                most[0] = max(most[0], inside[0])
            time.sleep(0.01)
            with lock:
                inside[0] -= 1

    threads = [threading.Thread(target=call) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert most == [1]


def test_notification_batches_start_while_the_item_pool_is_busy() -> None:
    """The paced series never waits in the item pool's queue (behind hundreds of GetEmailIdentity calls)."""
    from concurrent.futures import ThreadPoolExecutor
    from typing import Any

    from sesguard.sources.live.errors import Collected
    from sesguard.sources.live.identities import finish_identities, start_identities
    from sesguard.sources.live.scope import Scope

    from .live_support import ACCOUNT

    class V1:
        def get_identity_notification_attributes(self, Identities: list[str]) -> dict[str, Any]:
            return {"NotificationAttributes": {name: {"BounceTopic": "arn:t"} for name in Identities}}

    class V2:
        def get_email_identity(self, EmailIdentity: str) -> dict[str, Any]:
            return {"IdentityType": "DOMAIN", "VerificationStatus": "SUCCESS"}

    busy = threading.Event()
    listed = {
        f"d{i}.example": {"IdentityName": f"d{i}.example", "IdentityType": "DOMAIN"} for i in range(150)
    }
    with ThreadPoolExecutor(1) as pool, ThreadPoolExecutor(1) as paced:
        pool.submit(busy.wait, 30)  # the item pool's one thread is taken
        reads = start_identities(
            V2(), V1(), Scope(ACCOUNT, HOME), listed, pool=pool, paced=paced, pacer=Pacer(0), dmarc=None
        )
        assert len(reads.notified.result(timeout=10)) == 2  # both batches answered, the pool still busy
        busy.set()
        out = Collected()
        finish_identities(reads, out, sandbox=False)
    assert len(out.resources) == 150
    assert {r.props["notification_topics"]["BOUNCE"] for r in out.resources} == {"arn:t"}
