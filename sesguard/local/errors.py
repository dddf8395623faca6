"""Service errors raised by the endpoint's handlers and rendered in the caller's protocol."""

from __future__ import annotations


class ApiError(Exception):
    """An AWS error: its code, message and HTTP status (and the query code a JSON service reports)."""

    def __init__(self, code: str, message: str, status: int = 400, query_code: str | None = None) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status
        self.query_code = query_code


def not_found(message: str) -> ApiError:
    """SES v2 ``NotFoundException`` (404)."""
    return ApiError("NotFoundException", message, 404)


def already_exists(message: str) -> ApiError:
    """SES v2 ``AlreadyExistsException`` (400)."""
    return ApiError("AlreadyExistsException", message, 400)


def bad_request(message: str) -> ApiError:
    """SES v2 ``BadRequestException`` (400)."""
    return ApiError("BadRequestException", message, 400)
