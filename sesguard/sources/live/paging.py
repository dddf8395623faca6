"""Following pagination tokens to the end, and fanning per-item calls out to a bounded pool."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

# A guard against an endpoint that keeps answering with the same token.
MAX_PAGES = 100_000


def pages(
    call: Callable[..., dict[str, Any]],
    *,
    token: str = "NextToken",
    request_token: str | None = None,
    **params: Any,
) -> Iterator[dict[str, Any]]:
    """Every page of a paginated call; ``token`` names the response field (``Marker`` for IAM)."""
    seen: set[str] = set()
    for _ in range(MAX_PAGES):
        page = call(**params)
        yield page
        next_token = page.get(token)
        if not next_token or (token == "Marker" and not page.get("IsTruncated", True)):
            return
        if next_token in seen:
            raise RuntimeError(f"pagination loop: the endpoint returned the {token} {next_token!r} twice")
        seen.add(next_token)
        params[request_token or token] = next_token
    raise RuntimeError(f"pagination did not end after {MAX_PAGES} pages")


def fan_out(pool: Executor, fn: Callable[[T], R], items: Iterable[T]) -> list[R]:
    """``fn`` over ``items`` on ``pool``, results in the items' order (exceptions propagate)."""
    futures = [pool.submit(fn, item) for item in items]
    return [f.result() for f in futures]
