"""Excel workbooks: the first sheet read row by row through the same mapping and dry run as
CSV, cells as the text a person sees, and the archives that are not workbooks or that would
explode refused before they are opened."""

from __future__ import annotations

import datetime as dt
import zipfile
from decimal import Decimal

import pytest
from openpyxl import Workbook

from crm_platform.db.raw import fetch
from crm_platform.errors import Invalid
from crm_platform.imports import engine, service, xlsxfile
from crm_platform.imports.sniff import FileProblem


def _workbook(tmp_path, rows, name="people.xlsx", second_sheet=None):
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    if second_sheet:
        other = book.create_sheet("Other")
        for row in second_sheet:
            other.append(row)
    path = tmp_path / name
    book.save(path)
    return path


def test_the_first_sheet_reads_as_rows_of_text(tmp_path):
    path = _workbook(tmp_path, [
        ["First name", "Email", "Phone", "Born", "Met at", "Score", "VIP", None, "Email"],
        ["Ada", "ada@example.com", 4915112345678, dt.date(1815, 12, 10), dt.datetime(2024, 3, 31, 14, 30), 2.5, True,
         None, "ada2@example.com"],
        [None, None, None],
        ["Grace", None, "+1 415 555 2671", dt.datetime(1906, 12, 9), None, Decimal("3"), False, "extra", None, "more"],
    ], second_sheet=[["Not", "this"], ["x", "y"]])
    assert xlsxfile.header(str(path)) == ["First name", "Email", "Phone", "Born", "Met at", "Score", "VIP",
                                          "column 8", "Email (2)"]
    ada, grace = list(xlsxfile.rows(str(path)))
    assert ada == {"First name": "Ada", "Email": "ada@example.com", "Phone": "4915112345678", "Born": "1815-12-10",
                   "Met at": "2024-03-31T14:30:00", "Score": "2.5", "VIP": "yes", "column 8": "",
                   "Email (2)": "ada2@example.com"}
    assert grace["Born"] == "1906-12-09" and grace["Score"] == "3" and grace["VIP"] == "no"
    assert grace["column 8"] == "extra" and grace["column 10"] == "more"


def _zip(tmp_path, entries, name="bomb.xlsx"):
    path = tmp_path / name
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for entry, data in entries:
            archive.writestr(entry, data)
    return path


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path):
    path = _zip(tmp_path, [("xl/workbook.xml", b"<workbook/>"), ("xl/worksheets/sheet1.xml", b" " * 30_000_000)])
    with pytest.raises(FileProblem, match="refused as a zip bomb"):
        xlsxfile.header(str(path))


def test_too_many_entries_too_much_unpacked_and_archives_that_are_not_workbooks(tmp_path, monkeypatch):
    many = _zip(tmp_path, [(f"xl/{index}.xml", b"x") for index in range(30)] + [("xl/workbook.xml", b"")], "many.xlsx")
    monkeypatch.setattr(xlsxfile, "MAX_ENTRIES", 20)
    with pytest.raises(FileProblem, match="the workbook holds 31 files; at most 20 are read"):
        xlsxfile.header(str(many))
    monkeypatch.setattr(xlsxfile, "MAX_UNCOMPRESSED", 100)
    big = _zip(tmp_path, [("xl/workbook.xml", b"<w>" + b"a" * 500 + b"</w>")], "big.xlsx")
    with pytest.raises(FileProblem, match="unpacks to 5.. bytes; at most 100 bytes are read"):
        xlsxfile.header(str(big))
    docx = _zip(tmp_path, [("word/document.xml", b"<doc/>")], "letter.xlsx")
    with pytest.raises(FileProblem, match="not an .xlsx workbook"):
        xlsxfile.header(str(docx))
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04" + bytes(100))
    with pytest.raises(FileProblem, match="not a readable .xlsx workbook"):
        xlsxfile.header(str(broken))


def test_a_sheet_over_the_row_limit_is_refused(tmp_path, monkeypatch):
    path = _workbook(tmp_path, [["Name"], ["a"], ["b"], ["c"], ["d"]])
    monkeypatch.setattr(xlsxfile, "MAX_ROWS", 3)
    with pytest.raises(FileProblem, match="over 3 rows"):
        list(xlsxfile.rows(str(path)))


async def test_a_workbook_imports_through_the_same_mapping_and_dry_run(crm_app, crm_admin, tmp_path):
    principal, _ = crm_admin
    path = _workbook(tmp_path, [["First name", "Last name", "E-mail", "Mobile", "Job title"],
                                ["Ada", "Lovelace", "ada@example.com", 4155552671, "Analyst"],
                                ["Bad", "", "not-an-email", None, ""]])
    run_id = await service.start(principal, path, path.name, "contact", path.stat().st_size)
    run = await service.runs.load(run_id)
    assert run["format"] == "xlsx" and run["rows_total"] == 2
    assert run["mapping"] == {"First name": "given_name", "Last name": "family_name", "E-mail": "email",
                              "Mobile": "mobile", "Job title": "job_title"}
    assert await engine.dry_run(run_id, principal) == {"create": 1, "update": 0, "skip": 0, "error": 1}
    assert (await engine.commit(run_id, principal))["create"] == 1
    rows = await fetch("SELECT given_name, primary_email, phones FROM crm_contact")
    assert rows[0]["given_name"] == "Ada" and "+14155552671" in str(rows[0]["phones"])


async def test_a_bomb_uploaded_as_a_workbook_is_a_file_error(crm_app, crm_admin, tmp_path):
    principal, _ = crm_admin
    path = _zip(tmp_path, [("xl/workbook.xml", b"<workbook/>"), ("xl/worksheets/sheet1.xml", b"<" * 30_000_000)])
    with pytest.raises(Invalid) as raised:
        await service.start(principal, path, path.name, "contact", path.stat().st_size)
    assert "zip bomb" in raised.value.errors["file"]
