"""Stream JSON records out of an event archive: a local file or folder, or an S3 prefix.

Objects are read one at a time, line by line, gzip or not (decided by the content's magic bytes,
not the name), so memory stays flat however large the archive. A line holds one record (Firehose
delivers SES events as JSON lines); records written back to back on one line (``}{``), a JSON
array, and pretty-printed documents spanning lines (an SNS payload saved to a file) are read too.
Whatever cannot be read is counted by reason in :class:`ReadStats`; nothing is dropped silently.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import stat
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

MAX_RECORD_BYTES = 1 << 20  # a record (or one pretty-printed document) larger than this is skipped
MAX_LINE_BYTES = 8 << 20
_GZIP_MAGIC = b"\x1f\x8b"
_CHUNK = 1 << 16
# How the lines inside a pretty-printed JSON document start (indented, or closing it).
_CONTINUATION = (b" ", b"\t", b"}", b"]", b'"', b",", b"\r", b"\n")


@dataclass
class ReadStats:
    """What reading the archive saw: objects, bytes, records, and everything skipped, by reason."""

    source: str = ""
    objects: int = 0
    compressed_objects: int = 0
    bytes_read: int = 0
    records: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)

    def skip(self, reason: str, count: int = 1) -> None:
        """Count ``count`` records skipped for ``reason``."""
        self.skipped[reason] += count


def is_s3(source: str) -> bool:
    """Whether ``source`` names an S3 prefix (``s3://bucket/prefix``)."""
    return source.startswith("s3://")


def split_s3(source: str) -> tuple[str, str]:
    """``s3://bucket/prefix`` as (bucket, prefix); raises ValueError when there is no bucket."""
    rest = source[len("s3://") :]
    bucket, _, prefix = rest.partition("/")
    if not bucket:
        raise ValueError(f"{source}: no bucket name (expected s3://BUCKET/PREFIX)")
    return bucket, prefix


class _Raw(io.RawIOBase):
    """A raw reader over anything with ``read(n)`` (an S3 streaming body), counting bytes."""

    def __init__(self, body: Any, stats: ReadStats) -> None:
        self._body = body
        self._stats = stats

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._body.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        self._stats.bytes_read += n
        return n


def _decompressed(reader: Any, stats: ReadStats) -> IO[bytes]:
    if reader.peek(2)[:2] == _GZIP_MAGIC:
        stats.compressed_objects += 1
        stream: IO[bytes] = gzip.GzipFile(fileobj=reader, mode="rb")  # type: ignore[assignment]
        return stream
    result: IO[bytes] = reader
    return result


def records_in(body: Any, name: str, stats: ReadStats) -> Iterator[Any]:
    """Every JSON record of one object's stream (``body`` has ``read(n)``)."""
    stats.objects += 1
    reader = io.BufferedReader(_Raw(body, stats), buffer_size=_CHUNK)
    stream = _decompressed(reader, stats)
    pending = bytearray()
    try:
        while True:
            line = stream.readline(MAX_LINE_BYTES)
            if not line:
                break
            if len(line) >= MAX_LINE_BYTES and not line.endswith(b"\n"):
                stats.skip(f"line longer than {MAX_LINE_BYTES >> 20} MiB")
                _discard_rest_of_line(stream)
                continue
            if pending:
                if line[:1] not in _CONTINUATION:  # not inside a document: the pending one was cut short
                    stats.skip("truncated record (cut short by the next record)")
                    pending.clear()
                else:
                    pending += line
                    yield from _try_pending(pending, stats)
                    continue
            stripped = line.strip()
            if not stripped:
                continue
            try:
                yield from _values(json.loads(stripped), stats)
            except ValueError as error:
                if isinstance(error, json.JSONDecodeError) and error.msg == "Extra data":
                    yield from _back_to_back(stripped, stats)
                elif (
                    isinstance(error, json.JSONDecodeError)
                    and stripped[:1] in (b"{", b"[")
                    and _incomplete(error, stripped)
                ):
                    pending += line
                elif isinstance(error, UnicodeDecodeError):
                    stats.skip("not UTF-8 text")
                else:
                    stats.skip("malformed JSON")
    except (EOFError, zlib.error, gzip.BadGzipFile, OSError) as error:
        stats.skip("truncated or corrupt gzip stream (rest of the object unread)")
        stats.problems.append(f"{name}: {type(error).__name__}: {error}")
    if pending:
        stats.skip("truncated record (end of object inside a record)")


def _incomplete(error: json.JSONDecodeError, text: bytes) -> bool:
    """Whether the parser ran off the end (the document may continue on the next line)."""
    return error.pos >= len(text.decode("utf-8", "replace")) - 1 or error.msg.startswith("Unterminated")


def _try_pending(pending: bytearray, stats: ReadStats) -> Iterator[Any]:
    if len(pending) > MAX_RECORD_BYTES:
        stats.skip(f"record larger than {MAX_RECORD_BYTES >> 20} MiB")
        pending.clear()
        return
    try:
        value = json.loads(bytes(pending))
    except ValueError:
        return
    pending.clear()
    yield from _values(value, stats)


def _values(value: Any, stats: ReadStats) -> Iterator[Any]:
    if isinstance(value, list):
        for item in value:
            stats.records += 1
            yield item
    else:
        stats.records += 1
        yield value


def _back_to_back(text: bytes, stats: ReadStats) -> Iterator[Any]:
    decoder = json.JSONDecoder()
    try:
        document = text.decode("utf-8")
    except UnicodeDecodeError:
        stats.skip("not UTF-8 text")
        return
    position = 0
    while position < len(document):
        while position < len(document) and document[position] in " \t\r\n,":
            position += 1
        if position >= len(document):
            break
        try:
            value, position = decoder.raw_decode(document, position)
        except ValueError:
            stats.skip("malformed JSON")
            return
        yield from _values(value, stats)


def _discard_rest_of_line(stream: IO[bytes]) -> None:
    while True:
        chunk = stream.readline(MAX_LINE_BYTES)
        if not chunk or chunk.endswith(b"\n"):
            return


# --- sources ------------------------------------------------------------------------------------


def local_records(path: Path, stats: ReadStats) -> Iterator[Any]:
    """Every record under ``path`` (a file, or a folder read recursively in name order)."""
    if not path.exists():
        stats.problems.append(f"{path}: no such file or folder")
        return
    for file in _files(path, stats):
        try:
            info = os.stat(file)
        except OSError as error:
            stats.problems.append(f"{file}: {error.strerror or error}")
            continue
        if not stat.S_ISREG(info.st_mode):
            stats.problems.append(f"{file}: not a regular file, skipped")
            continue
        try:
            handle = open(file, "rb")  # noqa: SIM115 - closed below; records are yielded while it is open
        except OSError as error:
            stats.problems.append(f"{file}: {error.strerror or error}")
            continue
        with handle:
            yield from records_in(handle, str(file), stats)


def _files(path: Path, stats: ReadStats) -> Iterator[Path]:
    if not path.is_dir():
        yield path
        return
    for folder, dirs, names in os.walk(
        path, onerror=lambda e: stats.problems.append(f"{e.filename}: {e.strerror}")
    ):
        dirs.sort()
        for name in sorted(names):
            yield Path(folder) / name


def s3_records(s3: Any, source: str, stats: ReadStats) -> Iterator[Any]:
    """Every record of the objects under an S3 prefix (``ListObjectsV2`` then ``GetObject`` each)."""
    from botocore.exceptions import BotoCoreError, ClientError

    bucket, prefix = split_s3(source)
    try:
        pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
        for page in pages:
            for item in page.get("Contents") or []:
                key = item["Key"]
                if key.endswith("/") and not item.get("Size"):
                    continue
                try:
                    body = s3.get_object(Bucket=bucket, Key=key)["Body"]
                except ClientError as error:
                    code = error.response.get("Error", {}).get("Code", "error")
                    stats.skip(f"object not readable ({code})")
                    stats.problems.append(f"s3://{bucket}/{key}: GetObject: {code}")
                    continue
                with body:
                    yield from records_in(body, f"s3://{bucket}/{key}", stats)
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "error")
        stats.problems.append(
            f"{source}: ListObjectsV2: {code}: {error.response.get('Error', {}).get('Message', '')}"
        )
    except BotoCoreError as error:
        stats.problems.append(f"{source}: {type(error).__name__}: {error}")
