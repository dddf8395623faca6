"""The paging shared by the operations moto answers in one piece (IAM authorization details, alarms)."""

from __future__ import annotations

import pytest

from sesguard.local.errors import ApiError
from sesguard.local.slices import Paging

PAGING = Paging(size="MaxThings", default=2, maximum=3, limit="between 1 and 3", prefix="p:",
                bad_token=("InvalidNextToken", "no such token"))  # fmt: skip
FULL = {"A": [1, 2], "B": [3], "C": [4, 5]}


def test_pages_count_the_lists_in_order_as_one() -> None:
    first, following = PAGING.slice(("A", "B", "C"), FULL, None, 2)
    assert first == {"A": [1, 2], "B": [], "C": []} and following == 2
    second, following = PAGING.slice(("A", "B", "C"), FULL, PAGING.token(2), 3)
    assert second == {"A": [], "B": [3], "C": [4, 5]} and following is None


@pytest.mark.parametrize("token", ["garbage", PAGING.token(6), "cDphYmM="])  # "p:abc"
def test_tokens_it_did_not_issue_are_refused(token: str) -> None:
    with pytest.raises(ApiError) as refused:
        PAGING.slice(("A", "B", "C"), FULL, token, 2)
    assert (refused.value.code, refused.value.message) == ("InvalidNextToken", "no such token")


@pytest.mark.parametrize(("raw", "size"), [(None, 2), ("", 2), ("3", 3), (1, 1)])
def test_page_size_default_and_range(raw: object, size: int) -> None:
    assert PAGING.page_size(raw) == size


@pytest.mark.parametrize(("raw", "message"), [("0", "Value '0' at 'maxThings'"), ("x", "MaxThings must be a number")])
def test_page_size_out_of_range_or_not_a_number(raw: str, message: str) -> None:
    with pytest.raises(ApiError, match=message):
        PAGING.page_size(raw)
