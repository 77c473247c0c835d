import datetime as dt
import unicodedata

from config.text import collation_key, fold, nfc, person_sort_key
from organizations.templatetags.vn import format_document_date, format_number, format_percent


def test_nfc_composes_decomposed_accents_and_trims():
    decomposed = unicodedata.normalize("NFD", "Đơn Dương")
    assert nfc(f"  {decomposed}  ") == "Đơn Dương"
    assert len(nfc(decomposed)) == len("Đơn Dương")


def test_fold_removes_accents_for_search():
    assert fold("Đảng ủy xã Ka Đô") == "dang uy xa ka do"


def test_collation_key_follows_vietnamese_letter_order():
    words = ["Đức", "Dũng", "Ánh", "Anh", "Ấn", "Bình", "Ăn", "Ơn", "Ôn", "On"]
    assert sorted(words, key=collation_key) == ["Anh", "Ánh", "Ăn", "Ấn", "Bình", "Dũng", "Đức", "On", "Ôn", "Ơn"]


def test_person_sort_key_sorts_by_given_name_then_family_and_middle():
    people = ["Trần Văn Bình", "Nguyễn Thị An", "Lê Văn Đức", "Lê Văn An", "Phạm Dũng"]
    assert sorted(people, key=person_sort_key) == [
        "Lê Văn An",
        "Nguyễn Thị An",
        "Trần Văn Bình",
        "Phạm Dũng",
        "Lê Văn Đức",
    ]


def test_numbers_and_dates_in_vietnamese_notation():
    assert format_number(5465) == "5.465"
    assert format_number(218.6, 1) == "218,6"
    assert format_percent(148 / 145 * 100) == "102,1%"
    assert format_document_date(dt.date(2025, 1, 5)) == "ngày 05 tháng 01 năm 2025"
    assert format_document_date(dt.date(2025, 12, 18)) == "ngày 18 tháng 12 năm 2025"
    assert format_document_date(dt.date(2025, 3, 26)) == "ngày 26 tháng 3 năm 2025"
