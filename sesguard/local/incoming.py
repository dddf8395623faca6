"""One HTTP request to the endpoint, read once from the WSGI environ."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, quote


@dataclass
class Incoming:
    """One request, read once."""

    method: str
    path: str
    raw_path: str
    query: str
    headers: dict[str, str]
    body: bytes
    source_ip: str
    form: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_environ(cls, environ: dict[str, Any]) -> Incoming:
        """Read the request and put its body back for whoever reads it next."""
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(body)
        raw_uri = environ.get("RAW_URI") or environ.get("REQUEST_URI") or quote(environ.get("PATH_INFO", ""))
        raw_path = raw_uri.split("?", 1)[0]
        headers = {
            key[5:].replace("_", "-").title(): str(value)
            for key, value in environ.items()
            if key.startswith("HTTP_")
        }
        if environ.get("CONTENT_TYPE"):
            headers["Content-Type"] = environ["CONTENT_TYPE"]
        if environ.get("CONTENT_LENGTH"):
            headers["Content-Length"] = environ["CONTENT_LENGTH"]
        incoming = cls(
            method=environ.get("REQUEST_METHOD", "GET"),
            path=environ.get("PATH_INFO", ""),
            raw_path=raw_path,
            query=environ.get("QUERY_STRING", ""),
            headers=headers,
            body=body,
            source_ip=environ.get("REMOTE_ADDR", "127.0.0.1"),
        )
        if headers.get("Content-Type", "").startswith("application/x-www-form-urlencoded"):
            incoming.form = dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
        return incoming

    @property
    def target(self) -> str:
        """The raw path and query, as signed."""
        return f"{self.raw_path}?{self.query}" if self.query else self.raw_path
