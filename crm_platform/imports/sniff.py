"""What a text file of rows is written in: its encoding and, for CSV, its dialect; and the
files that are not text at all, named for what they are."""

from __future__ import annotations

import codecs
import csv
from dataclasses import dataclass
from pathlib import Path

# What is read to guess the dialect, and to recognise a binary file by its first bytes.
HEAD_BYTES = 64 * 1024
_CHUNK = 1024 * 1024
DELIMITERS = ",;\t|"
# The first bytes of files people upload by mistake, and what to call them.
_MAGIC = (
    (b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"), (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"), (b"PK\x03\x04", "a zip archive (an .xlsx or .docx file is one)"),
    (b"\xd0\xcf\x11\xe0", "an old Office document (.xls or .doc)"), (b"\x1f\x8b", "a gzip archive"),
    (b"\x7fELF", "a program"),
)
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


class FileProblem(ValueError):
    """The file cannot be read as rows; the message says why and what to do."""


@dataclass(frozen=True)
class TextFormat:
    encoding: str
    delimiter: str = ","


def binary_kind(head: bytes) -> str | None:
    """What a file that is not text is, from its first bytes, or ``None`` for text."""
    for magic, name in _MAGIC:
        if head.startswith(magic):
            return name
    if any(head.startswith(bom) for bom, _ in _BOMS):
        return None
    return "a binary file" if b"\x00" in head else None


def detect_encoding(path: Path) -> str:
    """UTF-8 (with or without a byte order mark) or UTF-16 when the file says so; otherwise
    UTF-8 if every byte of it decodes as UTF-8, read in chunks; otherwise Windows-1252, whose
    undefined bytes are taken as Latin-1 (``cp1252`` is what spreadsheets save as "ANSI")."""
    with path.open("rb") as file:
        head = file.read(4)
        for bom, encoding in _BOMS:
            if head.startswith(bom):
                return encoding
        file.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            while chunk := file.read(_CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1252" if _cp1252_decodes(path) else "latin-1"
    return "utf-8"


def _cp1252_decodes(path: Path) -> bool:
    decoder = codecs.getincrementaldecoder("cp1252")()
    try:
        with path.open("rb") as file:
            while chunk := file.read(_CHUNK):
                decoder.decode(chunk)
    except UnicodeDecodeError:
        return False
    return True


def detect_delimiter(sample: str) -> str:
    """The delimiter of a CSV sample: the sniffer's guess among ``, ; tab |``, or else the
    one of them the header line holds most of."""
    lines = sample.splitlines()
    if len(lines) > 1 and not sample.endswith(("\n", "\r")):
        sample = "\n".join(lines[:-1])  # the last line may be cut short
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        header = lines[0] if lines else ""
        return max(DELIMITERS, key=header.count) if any(d in header for d in DELIMITERS) else ","


def read_head(path: Path) -> bytes:
    with path.open("rb") as file:
        return file.read(HEAD_BYTES)


def text_format(path: Path) -> TextFormat:
    """How to read ``path`` as CSV, or :class:`FileProblem` saying why it is not CSV."""
    head = read_head(path)
    if not head.strip():
        raise FileProblem("the file is empty; export it again with a header row and at least one row")
    if (kind := binary_kind(head)) is not None:
        raise FileProblem(f"the file is {kind}, not a CSV text file; save it as CSV (comma or semicolon separated)")
    encoding = detect_encoding(path)
    sample = head.decode(encoding, errors="ignore")
    return TextFormat(encoding, detect_delimiter(sample))
