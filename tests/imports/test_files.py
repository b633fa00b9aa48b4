"""Reading CSV files as people save them: encodings, delimiters, quoted newlines, ragged rows,
repeated headers; and the files that are not CSV, named for what they are."""

from __future__ import annotations

import codecs

import pytest

from crm_platform.imports import csvfile
from crm_platform.imports.sniff import FileProblem, text_format


def _write(tmp_path, data: bytes, name: str = "f.csv"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(("data", "encoding"), [
    ("Name,City\nJürgen,Köln\n".encode(), "utf-8"),
    (codecs.BOM_UTF8 + "Name,City\nJürgen,Köln\n".encode(), "utf-8-sig"),
    ("Name,City\nJürgen,Köln\n".encode("utf-16"), "utf-16"),
    ("Name,City\nJürgen,Köln – €\n".encode("cp1252"), "cp1252"),
])
def test_the_encoding_is_detected_and_the_text_read_right(tmp_path, data, encoding):
    path = _write(tmp_path, data)
    assert text_format(path).encoding == encoding
    assert csvfile.header(str(path)) == ["Name", "City"]
    assert next(csvfile.rows(str(path)))["City"].startswith("Köln")


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_the_delimiter_is_detected(tmp_path, delimiter):
    path = _write(tmp_path, f"Name{delimiter}Email{delimiter}Notes\nAda{delimiter}ada@example.com{delimiter}x\n".encode())
    assert list(csvfile.rows(str(path))) == [{"Name": "Ada", "Email": "ada@example.com", "Notes": "x"}]


def test_quoted_newlines_ragged_rows_blank_lines_and_repeated_headers_are_kept(tmp_path):
    path = _write(tmp_path, b'Name,Email,Email,\n"Ada\nLovelace",a@x.io,b@x.io,,extra\n\nGrace\n')
    assert csvfile.header(str(path)) == ["Name", "Email", "Email (2)", "column 4"]
    rows = list(csvfile.rows(str(path)))
    assert rows[0] == {"Name": "Ada\nLovelace", "Email": "a@x.io", "Email (2)": "b@x.io", "column 4": "",
                       "column 5": "extra"}
    assert rows[1] == {"Name": "Grace"}


@pytest.mark.parametrize(("data", "message"), [
    (b"%PDF-1.4\n...", "the file is a PDF document"),
    (b"PK\x03\x04" + bytes(50), "a zip archive"),
    (b"  \n\n", "the file is empty"),
])
def test_what_is_not_csv_is_named(tmp_path, data, message):
    with pytest.raises(FileProblem, match=message):
        text_format(_write(tmp_path, data))
