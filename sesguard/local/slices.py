"""Paging what moto answers in one piece: a page size checked as AWS checks it, an opaque offset token,
and the slice of several lists counted in order as one."""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .errors import ApiError


@dataclass(frozen=True)
class Paging:
    """How one operation pages: ``size`` (the page-size parameter, ``default`` and 1 to ``maximum``;
    ``limit`` is how AWS words the range), the ``prefix`` inside its tokens, and the error code and
    message a token it did not issue gets."""

    size: str
    default: int
    maximum: int
    limit: str
    prefix: str
    bad_token: tuple[str, str]

    def page_size(self, raw: Any) -> int:
        """The page size asked for (``raw``: the parameter's value, None when absent)."""
        try:
            size = self.default if raw in (None, "") else int(raw)
        except (TypeError, ValueError):
            raise ApiError("ValidationError", f"{self.size} must be a number", 400) from None
        if not 1 <= size <= self.maximum:
            member = self.size[0].lower() + self.size[1:]
            raise ApiError(
                "ValidationError",
                f"1 validation error detected: Value '{size}' at '{member}' failed to satisfy constraint: "
                f"Member must have value {self.limit}",
                400,
            )
        return size

    def token(self, offset: int) -> str:
        """The token that continues at ``offset``."""
        return base64.urlsafe_b64encode(f"{self.prefix}{offset}".encode()).decode()

    def offset(self, token: object) -> int:
        """Where ``token`` continues (0 without one)."""
        if token in (None, ""):
            return 0
        try:
            text = base64.urlsafe_b64decode(str(token).encode()).decode()
            if text.startswith(self.prefix):
                return int(text[len(self.prefix) :])
        except (ValueError, UnicodeDecodeError):
            pass
        raise ApiError(*self.bad_token, 400)

    def slice(
        self, lists: Sequence[str], full: Mapping[str, Any], token: object, size: int
    ) -> tuple[dict[str, list[Any]], int | None]:
        """The items of ``lists`` in ``full`` from ``token`` on, at most ``size`` of them counted across
        the lists in order, per list; and the offset of the next page (None on the last)."""
        offset = self.offset(token)
        items = [(name, item) for name in lists for item in full.get(name) or []]
        if offset > len(items):
            raise ApiError(*self.bad_token, 400)
        chunk = items[offset : offset + size]
        per_list = {name: [item for owner, item in chunk if owner == name] for name in lists}
        return per_list, (offset + size if offset + size < len(items) else None)
