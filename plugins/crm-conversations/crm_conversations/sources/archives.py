"""Reading mail archives one message at a time: ``.eml``, mbox (Google Takeout, Thunderbird),
Maildir folders inside a zip, and zips of any of these.

A zip is checked whole before anything is read from it (its size, the ratio of each entry,
how many entries, entries that overlap, absolute paths, ``..``, symlinks): Python 3.11's
zipfile detects none of the overlapping-entry tricks. A zip that fails is refused whole.
"""

from __future__ import annotations

import io
import re
import stat
import struct
import zipfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import BinaryIO

MAX_ZIP_ENTRIES = 50_000
MAX_ZIP_BYTES = 4 * 1024**3
MAX_ZIP_RATIO = 200
MAIL_SUFFIXES = (".eml", ".mbox", ".mbx", ".msg822")
_MBOX_FROM = re.compile(rb"^From \S+.*\d{4}\s*$|^From \S+\s+\w{3} \w{3}")
_HEADER_LINE = re.compile(rb"^[\x21-\x39\x3b-\x7e]+:")


class UnsafeArchive(ValueError):
    """A zip that is not read at all, and why."""


def looks_like_mbox(head: bytes) -> bool:
    return head.startswith(b"From ") and bool(_MBOX_FROM.match(head.split(b"\n", 1)[0].rstrip(b"\r")))


def looks_like_email(head: bytes) -> bool:
    first = head.lstrip()[:2000].replace(b"\r", b"\n").split(b"\n")
    headers = [line for line in first[:30] if _HEADER_LINE.match(line)]
    names = {line.split(b":", 1)[0].lower() for line in headers}
    return len(headers) >= 2 and bool(names & {b"from", b"message-id", b"received", b"return-path"})


def mbox_messages(stream: BinaryIO) -> Iterator[bytes]:
    """Each message of an mbox, as bytes. A message starts at a ``From `` separator line
    (``From sender date``) that follows a blank line (or starts the file) and is followed by a
    header line, so an unescaped ``From `` line inside a body stays in its message; ``>From ``
    lines are unescaped."""
    lines: list[bytes] = []
    previous_blank = True
    pending: bytes | None = None  # a separator waiting to see whether a header follows
    for line in stream:
        if pending is not None:
            if _HEADER_LINE.match(line):
                if lines:
                    yield _unescape(lines)
                lines = []
            else:
                lines.append(pending)
            pending = None
        if previous_blank and _MBOX_FROM.match(line.rstrip(b"\r\n")):
            pending, previous_blank = line, False
            continue
        lines.append(line)
        previous_blank = line.strip() == b""
    if pending is not None:
        lines.append(pending)
    if lines:
        yield _unescape(lines)


def _unescape(lines: list[bytes]) -> bytes:
    # mboxrd: a body line ">From " (or ">>From ") was written with one ">" more.
    body = b"".join(line[1:] if re.match(rb"^>+From ", line) else line for line in lines)
    return body.rstrip(b"\r\n") + b"\n"


def check_zip(archive: zipfile.ZipFile, size: int) -> list[zipfile.ZipInfo]:
    """The zip's file entries, in name order, once the whole archive is found safe."""
    infos = archive.infolist()
    if len(infos) > MAX_ZIP_ENTRIES:
        raise UnsafeArchive(f"the zip has {len(infos):,} entries; at most {MAX_ZIP_ENTRIES:,} are read")
    total = 0
    spans: list[tuple[int, int, str]] = []
    names: set[str] = set()
    for info in infos:
        name = info.filename
        path = PurePosixPath(name.replace("\\", "/"))
        if path.is_absolute() or re.match(r"^[A-Za-z]:", name):
            raise UnsafeArchive(f"the zip entry {name[:100]!r} has an absolute path")
        if ".." in path.parts:
            raise UnsafeArchive(f"the zip entry {name[:100]!r} climbs out of the archive with '..'")
        if stat.S_ISLNK(info.external_attr >> 16):
            raise UnsafeArchive(f"the zip entry {name[:100]!r} is a symbolic link")
        if name in names:
            raise UnsafeArchive(f"the zip has two entries named {name[:100]!r}")
        names.add(name)
        total += info.file_size
        if total > MAX_ZIP_BYTES:
            raise UnsafeArchive(f"the zip unpacks to more than {MAX_ZIP_BYTES:,} bytes")
        if info.file_size > 1024 * 1024 and info.file_size > MAX_ZIP_RATIO * max(info.compress_size, 1):
            raise UnsafeArchive(f"the zip entry {name[:100]!r} is compressed more than {MAX_ZIP_RATIO} to 1 "
                                "(a zip bomb?)")
        spans.append((info.header_offset, _data_end(archive, info, size), name))
    spans.sort()
    for (_start, end, name), (start, _end, other) in zip(spans, spans[1:], strict=False):
        if start < end:
            raise UnsafeArchive(f"the zip entries {name[:60]!r} and {other[:60]!r} overlap (a zip bomb?)")
    return sorted((info for info in infos if not info.is_dir()), key=lambda info: info.filename)


def _data_end(archive: zipfile.ZipFile, info: zipfile.ZipInfo, size: int) -> int:
    """Where the entry's compressed data ends, read from its local header."""
    stream = archive.fp
    assert stream is not None
    stream.seek(info.header_offset)
    header = stream.read(30)
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise UnsafeArchive(f"the zip entry {info.filename[:100]!r} has no local header where the directory says")
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    end = info.header_offset + 30 + name_length + extra_length + info.compress_size
    if end > size:
        raise UnsafeArchive(f"the zip entry {info.filename[:100]!r} runs past the end of the file")
    return end


def _is_mail_entry(name: str) -> bool:
    path = PurePosixPath(name)
    if path.name.startswith(".") or "__MACOSX" in path.parts:
        return False
    if path.suffix.lower() in MAIL_SUFFIXES:
        return True
    # Maildir: cur/ and new/ hold one message per file, named by the delivering program.
    return len(path.parts) >= 2 and path.parts[-2] in ("cur", "new")


def zip_messages(path: Path) -> Iterator[bytes]:
    """Each message of the mail files in the zip at ``path``, in entry name order."""
    size = path.stat().st_size
    try:
        with zipfile.ZipFile(path) as archive:
            for info in check_zip(archive, size):
                if not _is_mail_entry(info.filename):
                    continue
                with archive.open(info) as member:
                    head = member.read(4096)
                    rest = io.BufferedReader(_Chain(head, member))  # type: ignore[arg-type]
                    if looks_like_mbox(head):
                        yield from mbox_messages(rest)
                    else:
                        yield rest.read(info.file_size + 1)
    except zipfile.BadZipFile as exc:
        raise UnsafeArchive(f"the zip cannot be read: {exc}") from None


class _Chain(io.RawIOBase):
    """The bytes already read from a stream, then the rest of it."""

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        self._head, self._rest = head, rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray) -> int:  # type: ignore[override]
        if self._head:
            count = min(len(buffer), len(self._head))
            buffer[:count], self._head = self._head[:count], self._head[count:]
            return count
        data = self._rest.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)


def file_messages(path: Path) -> Iterator[bytes]:
    """Each message of the file at ``path``: a zip, an mbox or one ``.eml``."""
    with path.open("rb") as stream:
        head = stream.read(4096)
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        yield from zip_messages(path)
        return
    if looks_like_mbox(head):
        with path.open("rb") as stream:
            yield from mbox_messages(stream)
        return
    yield path.read_bytes()
