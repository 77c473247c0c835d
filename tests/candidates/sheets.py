"""Spreadsheet files for import tests and the benchmark."""

import io
import random

import openpyxl

from tests.factories import person_name

HEADERS = [
    "Mã chi bộ",
    "Họ và tên",
    "Giới tính",
    "Ngày sinh",
    "Dân tộc",
    "Tôn giáo",
    "Trình độ phổ thông",
    "Nghề nghiệp, chức vụ",
    "Nơi làm việc, học tập",
    "Điện thoại",
    "Số định danh",
    "Đối tượng",
]


def candidate_rows(cell_codes: list[str], count: int, *, seed: int = 3, first_id: int = 1) -> list[list]:
    rng = random.Random(seed)
    rows = []
    for index in range(count):
        rows.append(
            [
                cell_codes[index % len(cell_codes)],
                person_name(rng),
                "Nữ" if index % 2 else "Nam",
                f"{1 + index % 28:02d}/{1 + index % 12:02d}/{1985 + index % 20}",
                "Kinh",
                "Không",
                "12/12",
                "Công nhân",
                "Công ty TNHH Minh Phát",
                f"09{index:08d}",
                f"{79_000_000_000 + first_id + index:012d}",
                "ĐV" if index % 3 == 0 else "",
            ]
        )
    return rows


def xlsx(rows: list[list], headers=HEADERS) -> bytes:
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Danh sách")
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def csv_bytes(rows: list[list], headers=HEADERS) -> bytes:
    import csv

    output = io.StringIO()
    writer = csv.writer(output)
    writer.writerow(headers)
    writer.writerows(rows)
    return output.getvalue().encode("utf-8")
