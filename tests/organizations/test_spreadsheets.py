from __future__ import annotations

import datetime as dt
import io
import unicodedata
import zipfile

import openpyxl
import pytest
import tablib

from config.errors import ApplicationError
from organizations.resources import tree_export_xlsx
from organizations.spreadsheets import read_sheet, write_xlsx
from organizations.tree_import import tree_import_file

from .sheets import TREE_HEADER, db_counts, tree_state, xlsx


def test_read_sheet_csv_with_bom_decomposed_accents_and_excel_row_numbers():
    decomposed = unicodedata.normalize("NFD", "Chi bộ Giáo viên")
    data = ("\ufeffMã;Tên tổ chức\nA;" + decomposed + "\n;\nB;  Đảng   bộ \n").encode()
    sheet = read_sheet(data, filename="danh-sach.csv")
    assert sheet.dataset.headers == ["Mã", "Tên tổ chức"]
    assert sheet.dataset[0] == ("A", "Chi bộ Giáo viên")
    assert unicodedata.is_normalized("NFC", sheet.dataset[0][1])
    assert sheet.dataset[1] == ("B", "Đảng bộ")
    assert sheet.row_numbers == [2, 4]  # the blank row 3 is skipped but keeps its number


def test_read_sheet_xlsx_keeps_numbers_and_dates():
    data = xlsx([["Mã", "Ngày", "Số"], ["A", dt.datetime(2024, 12, 31), 12], [None, None, None], ["B", None, 3.0]])
    sheet = read_sheet(data, filename="x.xlsx")
    assert sheet.dataset[0] == ("A", dt.date(2024, 12, 31), 12)
    assert sheet.row_numbers == [2, 4]


def test_read_sheet_refuses_a_csv_that_is_not_utf8():
    with pytest.raises(ApplicationError, match="UTF-8"):
        read_sheet("Mã,Tên\nA,Chi bo\n".encode("cp1252"), filename="a.csv")


def test_read_sheet_refuses_old_xls_and_other_extensions():
    with pytest.raises(ApplicationError, match=r"\.xls"):
        read_sheet(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, filename="a.xls")
    with pytest.raises(ApplicationError, match="không phải bảng tính"):
        read_sheet(b"%PDF-1.4 ...", filename="a.pdf")


def test_read_sheet_refuses_a_zip_without_a_workbook():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    with pytest.raises(ApplicationError, match=r"không phải bảng tính Excel \(.xlsx\) hợp lệ"):
        read_sheet(buffer.getvalue(), filename="a.xlsx")


def test_read_sheet_refuses_an_oversized_file(settings):
    settings.SPREADSHEET_MAX_BYTES = 1000
    with pytest.raises(ApplicationError, match="Tệp quá lớn"):
        read_sheet(b"Ma,Ten\n" + b"A,B\n" * 300, filename="a.csv")


def test_read_sheet_refuses_too_many_rows(settings):
    settings.SPREADSHEET_MAX_ROWS = 3
    read_sheet(xlsx([["Mã"], ["A"], ["B"], ["C"]]), filename="a.xlsx")
    with pytest.raises(ApplicationError, match="quá nhiều dòng: tối đa 3 dòng"):
        read_sheet(xlsx([["Mã"], ["A"], ["B"], ["C"], ["D"]]), filename="a.xlsx")


def test_read_sheet_refuses_a_zip_bomb(world, settings):
    # 20,000 cells of the same text: a few KB compressed, over a megabyte uncompressed.
    data = xlsx([TREE_HEADER] + [["A" * 50, "B" * 50]] * 10_000)
    assert len(data) < 200_000
    settings.SPREADSHEET_MAX_UNCOMPRESSED_BYTES = 1_000_000
    before, counts = tree_state(), db_counts()
    with pytest.raises(ApplicationError, match="nội dung giải nén quá lớn"):
        tree_import_file(actor=None, at=world.commune, source=data, filename="bom.xlsx")
    assert tree_state() == before and db_counts() == counts


def test_read_sheet_refuses_external_links(world):
    buffer = io.BytesIO(xlsx([TREE_HEADER, ["PRO-GV3", "PRO", "Chi bộ Giáo viên 3", "chi-bo"]]))
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("xl/externalLinks/externalLink1.xml", "<externalLink/>")
    before = tree_state()
    with pytest.raises(ApplicationError, match="liên kết tới bảng tính khác"):
        tree_import_file(actor=None, at=world.commune, source=buffer.getvalue(), filename="lk.xlsx")
    assert tree_state() == before


def test_read_sheet_refuses_a_damaged_xlsx():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<not-closed")
    with pytest.raises(ApplicationError, match="Không đọc được tệp Excel"):
        read_sheet(buffer.getvalue(), filename="a.xlsx")


def test_write_xlsx_neutralizes_formulas_and_keeps_numbers_and_dates():
    dataset = tablib.Dataset(headers=["Tên", "Số", "Ngày"])
    for text in ('=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "\tx", "\rx", "Chi bộ"):
        dataset.append([text, -5, dt.date(2025, 1, 15)])
    sheet = openpyxl.load_workbook(io.BytesIO(write_xlsx(dataset))).active
    texts = [sheet.cell(row=r, column=1).value for r in range(2, 9)]
    # (XML turns a stored carriage return into a line feed on reading: what matters is the apostrophe)
    assert texts[:5] == ['\'=HYPERLINK("http://x")', "'+1", "'-2", "'@SUM(A1)", "'\tx"]
    assert texts[5].startswith("'") and texts[6] == "Chi bộ"
    assert all(sheet.cell(row=r, column=1).data_type == "s" for r in range(2, 9))
    assert sheet.cell(row=2, column=2).value == -5
    date_cell = sheet.cell(row=2, column=3)
    assert date_cell.value == dt.datetime(2025, 1, 15) and date_cell.number_format == "DD/MM/YYYY"


def test_exported_formula_like_name_survives_a_round_trip(world):
    world.cell.name = "=Chi bộ 1"
    world.cell.save()
    data = tree_export_xlsx(at=world.base)
    assert "'=Chi bộ 1" in [c.value for c in openpyxl.load_workbook(io.BytesIO(data)).active["C"]]
    before = tree_state()
    result = tree_import_file(actor=None, at=world.base, source=data, filename="cay.xlsx")
    assert result.is_valid and not result.written
    assert tree_state() == before
