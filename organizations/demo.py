"""Demo data: three tenants modelled on the seed plans, member counts at two year ends, one account per role.

What comes from the seeds is kept as the seeds write it: the 15 base organizations of Huyện ủy Đơn Dương and
their order (annex of the 2025 plan, seed 002), the eight village cells of seed 000 and its "17 chi bộ",
the residential-area cells and exempted administrative units of Đảng ủy phường Đống Đa (seed 001) and the
5.465 members of Đảng bộ Khối Cơ quan - Doanh nghiệp tỉnh Lào Cai at 31/12/2023 (seed 004, footnote 1).
Everything else (the cells below base organizations, the names of units the seeds do not list, every member
count apart from the 5.465 and every person) is illustrative: plausible, deterministic, not a registry.

The loader writes everything in one transaction: roots with `tenant_create`, the rest with one `bulk_add`
per tenant, snapshots and role assignments with `bulk_create`, and one audit row per tenant.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from config.errors import ApplicationError

from .bulk import NodeSpec, bulk_add
from .models import (
    AuditEvent,
    MemberCountSnapshot,
    Organization,
    OrganizationKind,
    Role,
    RoleAssignment,
    Sector,
)
from .services import tenant_create

END_2023 = dt.date(2023, 12, 31)
END_2024 = dt.date(2024, 12, 31)
SNAPSHOT_DATES = (END_2023, END_2024)

# The Charter requires at least three full members for a cell; generated counts never go below it.
MIN_CELL_MEMBERS = 3
CELL_KINDS = frozenset({"chi-bo", "chi-bo-co-so"})

EXEMPT_NOTE = "Đơn vị hành chính 100% cán bộ, công chức, viên chức là đảng viên: không giao chỉ tiêu kết nạp."


@dataclass(frozen=True)
class Unit:
    """One organization of the demo tree. Cells carry a range of members at 31/12/2023; committees sum them."""

    name: str
    kind: str
    code: str = ""
    sector: str = ""
    members: tuple[int, int] | None = None
    children: tuple[Unit, ...] = ()
    issuer: str = ""
    place: str = ""
    note: str = ""


def _cell(name: str, members: tuple[int, int], sector: str = "", *, note: str = "") -> Unit:
    return Unit(name=name, kind="chi-bo", sector=sector, members=members, note=note)


def _base_cell(name: str, members: tuple[int, int], sector: str, *, code: str = "", note: str = "") -> Unit:
    return Unit(name=name, kind="chi-bo-co-so", code=code, sector=sector, members=members, note=note)


def _base_committee(
    name: str, sector: str, cells: list[tuple[str, tuple[int, int]]], *, code: str = "", place: str = ""
) -> Unit:
    """A base committee whose cells share its sector."""
    children = tuple(_cell(cell_name, members, sector) for cell_name, members in cells)
    return Unit(name=name, kind="dang-bo-co-so", code=code, sector=sector, children=children, place=place)


# --- Lâm Đồng -------------------------------------------------------------------------------------------

# Seed 002, annex "PHÂN BỔ CHỈ TIÊU PHÁT TRIỂN ĐẢNG NĂM 2025": names and order exactly as in the annex
# (with its typographic apostrophe in D’Ran), and the quota allocated to each, kept for the planning demo.
DON_DUONG_BASE_ORGANIZATIONS = [
    ("Đảng bộ Công an huyện", "03"),
    ("Đảng bộ thị trấn Thạnh Mỹ", "10"),
    ("Đảng bộ thị trấn D’Ran", "09"),
    ("Đảng bộ xã Đạ Ròn", "06"),
    ("Đảng bộ xã Ka Đô", "09"),
    ("Đảng bộ xã Ka Đơn", "07"),
    ("Đảng bộ xã Lạc Lâm", "06"),
    ("Đảng bộ xã Lạc Xuân", "09"),
    ("Đảng bộ xã Quảng Lập", "09"),
    ("Đảng bộ xã Tu Tra", "09"),
    ("Chi bộ Trường THPT Đơn Dương", "03 (01 HS)"),
    ("Chi bộ Trường THPT Hùng Vương", "03 (01 HS)"),
    ("Chi bộ Trường THPT Lê Lợi", "03 (01 HS)"),
    ("Chi bộ Trường THPT Pró", "03 (01 HS)"),
    ("Chi bộ Trường Phổ thông Dân tộc Nội trú THCS Đơn Dương", "02"),
]

# Village and residential-group cells of each commune and town. Partly real place names of Đơn Dương,
# not checked against the current registry; the ones in the second list are kept under 10 members, the
# red flag of seed 002 ("chi bộ thôn, tổ dân phố, trường học ... có từ 10 đảng viên trở lên").
_DON_DUONG_LOCALITIES = [
    # base organization name, code, place, is a town, villages (or residential groups), small ones
    (
        "Đảng bộ thị trấn Thạnh Mỹ",
        "DD-THANHMY",
        "Thạnh Mỹ",
        True,
        [
            "Nghĩa Lập 1",
            "Nghĩa Lập 2",
            "Nghĩa Lập 3",
            "Nghĩa Lập 4",
            "Quang Trung",
            "Nghĩa Đức",
            "Thạnh Nghĩa",
            "Thạnh Lập",
            "Đồng Tâm",
            "Quỳnh Lâm",
            "Thạnh Xuân",
            "Lâm Tô",
        ],
        {"Lâm Tô"},
    ),
    (
        "Đảng bộ thị trấn D’Ran",
        "DD-DRAN",
        "D’Ran",
        True,
        ["Lâm Tuyền 1", "Lâm Tuyền 2", "Lâm Tuyền 3", "Đường Mới", "Đa Thiện", "Hồ Đa Ninh", "Dốc Dinh", "Đa Hòa"],
        {"Đa Hòa"},
    ),
    (
        "Đảng bộ xã Đạ Ròn",
        "DD-DARON",
        "Đạ Ròn",
        False,
        [
            "Đạ Ròn",
            "Suối Thông A1",
            "Suối Thông A2",
            "Suối Thông B1",
            "Suối Thông B2",
            "Tân Hiên",
            "Tân Lập",
            "Lạc Thắng",
        ],
        {"Tân Lập"},
    ),
    (
        "Đảng bộ xã Ka Đô",
        "DD-KADO",
        "Ka Đô",
        False,
        [
            "Ka Đô Cũ",
            "Ka Đô Mới 1",
            "Ka Đô Mới 2",
            "Nam Hiệp 1",
            "Nam Hiệp 2",
            "Quỳnh Châu Đông",
            "Quỳnh Châu Tây",
            "Hòa Lạc",
            "Tân Hiệp",
            "Ka Rái",
        ],
        {"Ka Rái"},
    ),
    (
        "Đảng bộ xã Ka Đơn",
        "DD-KADON",
        "Ka Đơn",
        False,
        ["Ka Đơn", "Krăng Gọ 1", "Krăng Gọ 2", "Hải Hưng", "Lạc Nghiệp", "Sao Mai", "Tân Hưng", "Ka Rơn"],
        {"Krăng Gọ 2", "Ka Rơn"},
    ),
    (
        "Đảng bộ xã Lạc Lâm",
        "DD-LACLAM",
        "Lạc Lâm",
        False,
        ["Lạc Lâm Làng", "Lạc Thạnh", "Lạc Sơn", "Lạc Bình", "Xuân Thượng", "Xuân Trường", "M’Răng", "Ka Đê"],
        {"M’Răng"},
    ),
    (
        "Đảng bộ xã Lạc Xuân",
        "DD-LACXUAN",
        "Lạc Xuân",
        False,
        [
            "Lạc Xuân 1",
            "Lạc Xuân 2",
            "Đồng Thạnh",
            "Lạc Viên A",
            "Lạc Viên B",
            "Diom A",
            "Diom B",
            "Hiệp Thuận",
            "Lạc Quảng",
            "Hiệp Hòa",
        ],
        {"Diom B"},
    ),
    (
        "Đảng bộ xã Quảng Lập",
        "DD-QUANGLAP",
        "Quảng Lập",
        False,
        ["Quảng Thuận", "Quảng Lạc", "Quảng Hiệp", "Quảng Tiến", "Ma Đanh", "Châu Sơn", "Kinh tế mới", "Pró Ngó"],
        {"Kinh tế mới"},
    ),
    (
        "Đảng bộ xã Tu Tra",
        "DD-TUTRA",
        "Tu Tra",
        False,
        ["Tu Tra", "Kambutte", "Ta Ly 1", "Ta Ly 2", "Hòa Bình", "Fi Nôm", "Tân Phú", "Lạc Thiện", "Đồng Lạc"],
        {"Kambutte"},
    ),
]


def _locality(name: str, code: str, place: str, town: bool, villages: list[str], small: set[str], *, kind: str) -> Unit:
    """A commune or town committee: its village (residential-group) cells, then agency and school cells."""
    word, level = ("Tổ dân phố", "thị trấn") if town else ("thôn", "xã")
    cells = [
        _cell(f"Chi bộ {word} {village}", (5, 9) if village in small else (14, 42), "thon-to-dan-pho")
        for village in villages
    ]
    cells += [
        _cell("Chi bộ Cơ quan Đảng - Mặt trận - Đoàn thể", (10, 18), "co-quan-dang"),
        _cell(f"Chi bộ Cơ quan Ủy ban nhân dân {level}", (12, 22), "hanh-chinh"),
        _cell(f"Chi bộ Quân sự {level}", (5, 12), "luc-luong-vu-trang"),
        _cell(f"Chi bộ Trạm Y tế {level}", (4, 11), "hanh-chinh"),
        _cell(f"Chi bộ Trường Mầm non {place}", (6, 14), "truong-hoc"),
        _cell(f"Chi bộ Trường Tiểu học {place}", (8, 18), "truong-hoc"),
        _cell(f"Chi bộ Trường THCS {place}", (10, 20), "truong-hoc"),
    ]
    return Unit(name=name, kind=kind, code=code, sector="xa-phuong", children=tuple(cells), place=place)


def _don_duong() -> Unit:
    localities = {entry[0]: entry for entry in _DON_DUONG_LOCALITIES}
    police = _base_committee(
        "Đảng bộ Công an huyện",
        "luc-luong-vu-trang",
        [
            ("Chi bộ Đội Tham mưu - Tổng hợp", (12, 22)),
            ("Chi bộ Đội An ninh", (10, 18)),
            ("Chi bộ Đội Cảnh sát điều tra tội phạm", (14, 26)),
            ("Chi bộ Đội Cảnh sát giao thông - Trật tự", (12, 24)),
            ("Chi bộ Đội Cảnh sát quản lý hành chính về trật tự xã hội", (8, 16)),
        ],
        code="DD-CAH",
        place="Đơn Dương",
    )
    school_codes = {
        "Chi bộ Trường THPT Đơn Dương": ("DD-THPT-DONDUONG", (28, 40)),
        "Chi bộ Trường THPT Hùng Vương": ("DD-THPT-HUNGVUONG", (22, 34)),
        "Chi bộ Trường THPT Lê Lợi": ("DD-THPT-LELOI", (20, 32)),
        "Chi bộ Trường THPT Pró": ("DD-THPT-PRO", (16, 26)),
        "Chi bộ Trường Phổ thông Dân tộc Nội trú THCS Đơn Dương": ("DD-PTDTNT", (12, 20)),
    }
    children = []
    for name, _quota in DON_DUONG_BASE_ORGANIZATIONS:
        if name == police.name:
            children.append(police)
        elif name in localities:
            children.append(_locality(*localities[name], kind="dang-bo-co-so"))
        else:
            code, members = school_codes[name]
            children.append(_base_cell(name, members, "truong-hoc", code=code))
    return Unit(
        name="Huyện ủy Đơn Dương",
        kind="huyen-uy",
        code="DONDUONG",
        issuer="HU",
        place="Đơn Dương",
        children=tuple(children),
    )


# Seed 000 names eight village cells and counts "17 chi bộ đảng" but never names its commune or district:
# the name "Đảng ủy xã Phúc Tiên", the two other villages and the agency and school cells are invented.
PHUC_TIEN_NAMED_CELLS = [
    "Chi bộ thôn Tân Tiên",
    "Chi bộ thôn Bắc Tiên",
    "Chi bộ thôn Tiên Thượng",
    "Chi bộ thôn Trung Tiên",
    "Chi bộ thôn Phúc Thành 1",
    "Chi bộ thôn Phúc Thành 2",
    "Chi bộ thôn Phúc Sơn",
    "Chi bộ thôn Phúc Lập",
]


def _phuc_tien() -> Unit:
    villages = [
        # Seed 000 singles out Tân Tiên as the cell that most needs new sources: a small cell here.
        _cell(name, (6, 9) if name == "Chi bộ thôn Tân Tiên" else (15, 38), "thon-to-dan-pho")
        for name in PHUC_TIEN_NAMED_CELLS
    ]
    villages += [
        _cell("Chi bộ thôn Tiên Hạ", (12, 30), "thon-to-dan-pho"),
        _cell("Chi bộ thôn Phúc Hòa", (12, 30), "thon-to-dan-pho"),
    ]
    others = [
        _cell("Chi bộ Cơ quan Đảng - Mặt trận - Đoàn thể", (10, 16), "co-quan-dang"),
        _cell("Chi bộ Cơ quan Ủy ban nhân dân xã", (12, 20), "hanh-chinh"),
        _cell("Chi bộ Quân sự xã", (5, 10), "luc-luong-vu-trang"),
        _cell("Chi bộ Công an xã", (5, 9), "luc-luong-vu-trang"),
        _cell("Chi bộ Trường Mầm non Phúc Tiên", (6, 12), "truong-hoc"),
        _cell("Chi bộ Trường Tiểu học Phúc Tiên", (8, 15), "truong-hoc"),
        _cell("Chi bộ Trường THCS Phúc Tiên", (10, 18), "truong-hoc"),
    ]
    return Unit(
        name="Đảng ủy xã Phúc Tiên",
        kind="dang-uy-xa",
        code="PHUCTIEN",
        sector="xa-phuong",
        issuer="ĐU",
        place="Phúc Tiên",
        children=tuple(villages + others),
    )


def _lam_dong() -> Unit:
    return Unit(
        name="Tỉnh ủy Lâm Đồng",
        kind="tinh-uy",
        code="LD",
        issuer="TU",
        place="Lâm Đồng",
        children=(_don_duong(), _phuc_tien()),
    )


# --- Hà Nội ---------------------------------------------------------------------------------------------

DONG_DA_RESIDENTIAL_CELLS = 30


def _ha_noi() -> Unit:
    # Seed 001: residential-area cells ("Chi bộ Khu dân cư"), base committees and cells of agencies, schools
    # and enterprises. Its quota of 03-05 a year per organization exempts administrative units where every
    # official is already a member, organizations with no source left and the residential-area cells.
    residential = [
        _cell(f"Chi bộ Khu dân cư số {number}", (35, 140), "thon-to-dan-pho")
        for number in range(1, DONG_DA_RESIDENTIAL_CELLS + 1)
    ]
    agencies = [
        _base_cell(
            "Chi bộ Cơ quan Đảng - Mặt trận Tổ quốc - Đoàn thể phường",
            (18, 28),
            "co-quan-dang",
            note=EXEMPT_NOTE,
        ),
        _base_cell("Chi bộ Cơ quan Ủy ban nhân dân phường", (30, 45), "hanh-chinh", note=EXEMPT_NOTE),
        _base_cell("Chi bộ Trung tâm Phục vụ hành chính công phường", (10, 16), "hanh-chinh", note=EXEMPT_NOTE),
        _base_cell("Chi bộ Quân sự phường", (6, 12), "luc-luong-vu-trang"),
        _base_committee(
            "Đảng bộ Công an phường Đống Đa",
            "luc-luong-vu-trang",
            [
                ("Chi bộ Đội Tổng hợp", (12, 20)),
                ("Chi bộ Đội An ninh - Điều tra", (12, 22)),
                ("Chi bộ Cảnh sát khu vực 1", (15, 28)),
                ("Chi bộ Cảnh sát khu vực 2", (15, 28)),
            ],
            code="DONGDA-CA",
        ),
        _base_cell("Chi bộ Trạm Y tế phường", (6, 12), "hanh-chinh"),
    ]
    schools = [
        _base_cell("Chi bộ Trường THPT Đống Đa", (25, 40), "truong-hoc", code="DONGDA-THPT"),
        _base_cell("Chi bộ Trường THCS Đống Đa", (15, 26), "truong-hoc"),
        _base_cell("Chi bộ Trường Tiểu học Văn Chương", (10, 20), "truong-hoc"),
        _base_cell("Chi bộ Trường Tiểu học Khâm Thiên", (10, 20), "truong-hoc"),
        _base_cell("Chi bộ Trường Mầm non Khâm Thiên", (7, 14), "truong-hoc"),
        _base_cell("Chi bộ Trường Mầm non Văn Chương", (5, 9), "truong-hoc"),
    ]
    # Enterprise names are invented.
    enterprises = [
        _base_cell("Chi bộ Công ty Cổ phần Thương mại Dịch vụ Đống Đa", (8, 15), "doanh-nghiep-nha-nuoc"),
        _base_cell("Chi bộ Công ty TNHH Sách và Thiết bị Văn Miếu", (4, 8), "kinh-te-tu-nhan"),
        _base_cell("Chi bộ Công ty Cổ phần Công nghệ Hào Nam", (5, 9), "kinh-te-tu-nhan"),
    ]
    ward = Unit(
        name="Đảng ủy phường Đống Đa",
        kind="dang-uy-xa",
        code="DONGDA",
        sector="xa-phuong",
        issuer="ĐU",
        place="Đống Đa",
        children=tuple(residential + agencies + schools + enterprises),
    )
    return Unit(name="Thành ủy Hà Nội", kind="tinh-uy", code="HN", issuer="TU", place="Hà Nội", children=(ward,))


# --- Lào Cai --------------------------------------------------------------------------------------------

LAO_CAI_BLOC_MEMBERS_2023 = 5465  # Seed 004, footnote 1: "tổng số đảng viên của Đảng bộ Khối là 5.465".

_S, _M, _L = (10, 24), (25, 50), (50, 100)  # small, medium and large cells of agencies and enterprises


def _lao_cai() -> Unit:
    # Seed 004 counts three sectors (state administration and public units, state-capital enterprises,
    # private units) and students. Colleges are public units: sector hanh-chinh, with a students' cell.
    administration = [
        _base_committee(
            "Đảng bộ Sở Giáo dục và Đào tạo",
            "hanh-chinh",
            [
                ("Chi bộ Văn phòng Sở", _S),
                ("Chi bộ Phòng Giáo dục Trung học - Giáo dục thường xuyên", _S),
                ("Chi bộ Phòng Giáo dục Mầm non - Tiểu học", _S),
                ("Chi bộ Phòng Tổ chức cán bộ - Kế hoạch tài chính", _S),
                ("Chi bộ Thanh tra Sở", (5, 10)),
            ],
        ),
        _base_committee(
            "Đảng bộ Sở Y tế",
            "hanh-chinh",
            [
                ("Chi bộ Văn phòng Sở", _S),
                ("Chi bộ Phòng Nghiệp vụ", _S),
                ("Chi bộ Trung tâm Kiểm soát bệnh tật tỉnh", _L),
                ("Chi bộ Trung tâm Kiểm nghiệm", _S),
            ],
        ),
        _base_committee(
            "Đảng bộ Bệnh viện Đa khoa tỉnh",
            "hanh-chinh",
            [
                ("Chi bộ Khối Hành chính", _L),
                ("Chi bộ Khối Nội", _L),
                ("Chi bộ Khối Ngoại", _L),
                ("Chi bộ Khối Cận lâm sàng", _L),
                ("Chi bộ Khoa Hồi sức tích cực - Chống độc", _M),
                ("Chi bộ Khoa Khám bệnh", _M),
                ("Chi bộ Khoa Dược", _S),
            ],
        ),
        _base_committee(
            "Đảng bộ Bệnh viện Sản Nhi tỉnh",
            "hanh-chinh",
            [
                ("Chi bộ Hành chính", _M),
                ("Chi bộ Khối Sản", _L),
                ("Chi bộ Khối Nhi", _L),
                ("Chi bộ Cận lâm sàng", _M),
            ],
        ),
        _base_committee(
            "Đảng bộ Sở Nông nghiệp và Phát triển nông thôn",
            "hanh-chinh",
            [
                ("Chi bộ Văn phòng Sở", _M),
                ("Chi bộ Chi cục Kiểm lâm", _L),
                ("Chi bộ Chi cục Thủy lợi", _S),
                ("Chi bộ Chi cục Trồng trọt và Bảo vệ thực vật", _M),
                ("Chi bộ Trung tâm Khuyến nông", _M),
                ("Chi bộ Ban Quản lý rừng phòng hộ", _M),
            ],
        ),
        _base_committee(
            "Đảng bộ Sở Giao thông vận tải - Xây dựng",
            "hanh-chinh",
            [
                ("Chi bộ Văn phòng Sở", _M),
                ("Chi bộ Thanh tra Sở", _M),
                ("Chi bộ Ban Quản lý bảo trì đường bộ", _M),
                ("Chi bộ Phòng Quản lý xây dựng", _S),
            ],
        ),
        _base_committee(
            "Đảng bộ Sở Tài nguyên và Môi trường",
            "hanh-chinh",
            [
                ("Chi bộ Văn phòng Sở", _M),
                ("Chi bộ Văn phòng Đăng ký đất đai", _L),
                ("Chi bộ Trung tâm Quan trắc tài nguyên và môi trường", _S),
                ("Chi bộ Trung tâm Phát triển quỹ đất", _M),
            ],
        ),
        _base_committee(
            "Đảng bộ Sở Văn hóa và Thể thao",
            "hanh-chinh",
            [
                ("Chi bộ Văn phòng Sở", _M),
                ("Chi bộ Bảo tàng tỉnh", _S),
                ("Chi bộ Thư viện tỉnh", (5, 9)),
                ("Chi bộ Trung tâm Huấn luyện và Thi đấu thể dục thể thao", _S),
            ],
        ),
        _base_committee(
            "Đảng bộ Sở Lao động - Thương binh và Xã hội",
            "hanh-chinh",
            [
                ("Chi bộ Văn phòng Sở", _M),
                ("Chi bộ Trung tâm Dịch vụ việc làm", _S),
                ("Chi bộ Trung tâm Bảo trợ xã hội", _S),
                ("Chi bộ Cơ sở cai nghiện ma túy", _M),
            ],
        ),
        _base_committee(
            "Đảng bộ Cục Thuế tỉnh",
            "hanh-chinh",
            [
                ("Chi bộ Văn phòng Cục", _M),
                ("Chi bộ Phòng Kiểm tra thuế", _M),
                ("Chi bộ Phòng Thanh tra thuế", _M),
                ("Chi bộ Phòng Nghiệp vụ - Dự toán - Pháp chế", _S),
                ("Chi bộ Phòng Quản lý nợ và cưỡng chế nợ thuế", _S),
            ],
        ),
        _base_committee(
            "Đảng bộ Cục Hải quan tỉnh",
            "hanh-chinh",
            [
                ("Chi bộ Văn phòng Cục", _M),
                ("Chi bộ Chi cục Hải quan cửa khẩu quốc tế Lào Cai", _L),
                ("Chi bộ Chi cục Hải quan cửa khẩu ga đường sắt quốc tế Lào Cai", _M),
                ("Chi bộ Chi cục Hải quan Bát Xát", _S),
                ("Chi bộ Đội Kiểm soát Hải quan", _M),
            ],
        ),
        _base_committee(
            "Đảng bộ Kho bạc Nhà nước tỉnh",
            "hanh-chinh",
            [
                ("Chi bộ Văn phòng", _M),
                ("Chi bộ Phòng Kế toán nhà nước", _M),
                ("Chi bộ Phòng Kiểm soát chi", _M),
            ],
        ),
        _base_committee(
            "Đảng bộ Bảo hiểm xã hội tỉnh",
            "hanh-chinh",
            [
                ("Chi bộ Văn phòng", _M),
                ("Chi bộ Phòng Thu - Sổ thẻ", _M),
                ("Chi bộ Phòng Giám định bảo hiểm y tế", _M),
                ("Chi bộ Phòng Chế độ bảo hiểm xã hội", _S),
            ],
        ),
        _base_committee(
            "Đảng bộ Đài Phát thanh và Truyền hình tỉnh",
            "hanh-chinh",
            [
                ("Chi bộ Hành chính - Tổng hợp", _S),
                ("Chi bộ Thời sự", _M),
                ("Chi bộ Kỹ thuật", _S),
            ],
        ),
        _base_committee(
            "Đảng bộ Sở Tài chính",
            "hanh-chinh",
            [
                ("Chi bộ Văn phòng Sở", _M),
                ("Chi bộ Phòng Quản lý ngân sách", _S),
                ("Chi bộ Phòng Tài chính doanh nghiệp", _S),
                ("Chi bộ Thanh tra Sở", _S),
            ],
        ),
        _base_committee(
            "Đảng bộ Sở Nội vụ",
            "hanh-chinh",
            [
                ("Chi bộ Văn phòng Sở", _M),
                ("Chi bộ Ban Thi đua - Khen thưởng", _S),
                ("Chi bộ Chi cục Văn thư - Lưu trữ", _S),
            ],
        ),
        _base_committee(
            "Đảng bộ Cục Thống kê tỉnh",
            "hanh-chinh",
            [
                ("Chi bộ Văn phòng Cục", _M),
                ("Chi bộ Phòng Thống kê tổng hợp", _S),
                ("Chi bộ Phòng Thu thập thông tin thống kê", _M),
            ],
        ),
        _base_committee(
            "Đảng bộ Bệnh viện Đa khoa số 2 tỉnh",
            "hanh-chinh",
            [
                ("Chi bộ Hành chính", _M),
                ("Chi bộ Khối Nội", _M),
                ("Chi bộ Khối Ngoại", _M),
                ("Chi bộ Cận lâm sàng", _S),
            ],
        ),
        _base_committee(
            "Đảng bộ Ban Quản lý Khu kinh tế tỉnh",
            "hanh-chinh",
            [
                ("Chi bộ Văn phòng Ban", _M),
                ("Chi bộ Phòng Quản lý doanh nghiệp", _S),
                ("Chi bộ Trung tâm Quản lý cửa khẩu", _L),
            ],
        ),
        _base_committee(
            "Đảng bộ Ban Quản lý dự án đầu tư xây dựng tỉnh",
            "hanh-chinh",
            [
                ("Chi bộ Văn phòng Ban", _M),
                ("Chi bộ Phòng Kỹ thuật", _M),
                ("Chi bộ Phòng Kế hoạch - Tổng hợp", _S),
            ],
        ),
        _base_cell("Chi bộ Bệnh viện Y học cổ truyền tỉnh", (20, 35), "hanh-chinh"),
        _base_cell("Chi bộ Bệnh viện Nội tiết tỉnh", (15, 28), "hanh-chinh"),
        _base_cell("Chi bộ Bệnh viện Phục hồi chức năng tỉnh", (15, 28), "hanh-chinh"),
        _base_cell("Chi bộ Liên minh Hợp tác xã tỉnh", (10, 18), "hanh-chinh"),
        _base_cell("Chi bộ Sở Tư pháp", (18, 30), "hanh-chinh"),
        _base_cell("Chi bộ Sở Kế hoạch và Đầu tư", (25, 40), "hanh-chinh"),
        _base_cell("Chi bộ Sở Công Thương", (25, 40), "hanh-chinh"),
        _base_cell("Chi bộ Sở Khoa học và Công nghệ", (18, 30), "hanh-chinh"),
        _base_cell("Chi bộ Sở Thông tin và Truyền thông", (15, 28), "hanh-chinh"),
        _base_cell("Chi bộ Sở Du lịch", (12, 20), "hanh-chinh"),
        _base_cell("Chi bộ Thanh tra tỉnh", (25, 40), "hanh-chinh"),
        _base_cell("Chi bộ Ngân hàng Nhà nước chi nhánh tỉnh Lào Cai", (25, 40), "hanh-chinh"),
        _base_cell("Chi bộ Báo Lào Cai", (20, 35), "hanh-chinh"),
        _base_committee(
            "Đảng bộ Trường Cao đẳng Lào Cai",
            "hanh-chinh",
            [
                ("Chi bộ Phòng Đào tạo - Công tác học sinh, sinh viên", _M),
                ("Chi bộ Khoa Kỹ thuật - Công nghệ", _M),
                ("Chi bộ Khoa Nông Lâm", _S),
                ("Chi bộ Khoa Sư phạm - Văn hóa nghệ thuật", _M),
                ("Chi bộ Khoa Y - Dược", _M),
                ("Chi bộ Học sinh - Sinh viên", (5, 9)),
            ],
            code="LC-CDLC",
        ),
        _base_committee(
            "Đảng bộ Phân hiệu Đại học Thái Nguyên tại tỉnh Lào Cai",
            "hanh-chinh",
            [
                ("Chi bộ Phòng Hành chính - Tổng hợp", _S),
                ("Chi bộ Khoa Nông Lâm - Kinh tế", _M),
                ("Chi bộ Sinh viên", (4, 9)),
            ],
        ),
    ]
    state_enterprises = [
        _base_committee(
            "Đảng bộ Công ty Điện lực Lào Cai",
            "doanh-nghiep-nha-nuoc",
            [
                ("Chi bộ Văn phòng", _M),
                ("Chi bộ Phòng Kỹ thuật - An toàn", _M),
                ("Chi bộ Phòng Kinh doanh", _M),
                ("Chi bộ Điện lực thành phố Lào Cai", _L),
                ("Chi bộ Điện lực Sa Pa", _M),
                ("Chi bộ Điện lực Bảo Thắng", _M),
                ("Chi bộ Điện lực Bát Xát", _M),
            ],
        ),
        _base_committee(
            "Đảng bộ Chi nhánh Viettel Lào Cai",
            "doanh-nghiep-nha-nuoc",
            [
                ("Chi bộ Văn phòng", _M),
                ("Chi bộ Trung tâm Kỹ thuật", _M),
                ("Chi bộ Khối Kinh doanh", _L),
            ],
        ),
        _base_committee(
            "Đảng bộ Ngân hàng Chính sách xã hội chi nhánh tỉnh Lào Cai",
            "doanh-nghiep-nha-nuoc",
            [
                ("Chi bộ Hội sở tỉnh", _L),
                ("Chi bộ Phòng giao dịch Bảo Thắng", _S),
                ("Chi bộ Phòng giao dịch Bát Xát", _S),
                ("Chi bộ Phòng giao dịch Sa Pa", _S),
            ],
        ),
        _base_committee(
            "Đảng bộ Công ty Xăng dầu Lào Cai",
            "doanh-nghiep-nha-nuoc",
            [
                ("Chi bộ Văn phòng", _M),
                ("Chi bộ Kho xăng dầu", _S),
                ("Chi bộ Các cửa hàng xăng dầu", _M),
            ],
        ),
        _base_committee(
            "Đảng bộ Viễn thông Lào Cai",
            "doanh-nghiep-nha-nuoc",
            [
                ("Chi bộ Văn phòng", _M),
                ("Chi bộ Trung tâm Điều hành thông tin", _M),
                ("Chi bộ Trung tâm Kinh doanh", _L),
                ("Chi bộ Trung tâm Viễn thông khu vực Sa Pa", _S),
            ],
        ),
        _base_committee(
            "Đảng bộ Bưu điện tỉnh Lào Cai",
            "doanh-nghiep-nha-nuoc",
            [
                ("Chi bộ Văn phòng", _M),
                ("Chi bộ Bưu điện thành phố Lào Cai", _M),
                ("Chi bộ Trung tâm Khai thác vận chuyển", _S),
            ],
        ),
        _base_committee(
            "Đảng bộ Ngân hàng Nông nghiệp và Phát triển nông thôn chi nhánh tỉnh Lào Cai",
            "doanh-nghiep-nha-nuoc",
            [
                ("Chi bộ Hội sở tỉnh", _L),
                ("Chi bộ Chi nhánh thành phố Lào Cai", _M),
                ("Chi bộ Chi nhánh Sa Pa", _M),
                ("Chi bộ Chi nhánh Bảo Yên", _M),
                ("Chi bộ Chi nhánh Văn Bàn", _M),
            ],
        ),
        _base_committee(
            "Đảng bộ Ngân hàng Thương mại cổ phần Công thương Việt Nam chi nhánh Lào Cai",
            "doanh-nghiep-nha-nuoc",
            [
                ("Chi bộ Hội sở", _M),
                ("Chi bộ Khối Bán lẻ", _M),
                ("Chi bộ Các phòng giao dịch", _S),
            ],
        ),
        _base_cell(
            "Chi bộ Ngân hàng Thương mại cổ phần Đầu tư và Phát triển Việt Nam chi nhánh Lào Cai",
            (20, 30),
            "doanh-nghiep-nha-nuoc",
        ),
        _base_committee(
            "Đảng bộ Công ty Cổ phần Cấp nước Lào Cai",
            "doanh-nghiep-nha-nuoc",
            [
                ("Chi bộ Văn phòng", _M),
                ("Chi bộ Xí nghiệp sản xuất nước", _M),
                ("Chi bộ Xí nghiệp cấp nước Sa Pa", _S),
            ],
        ),
        _base_cell("Chi bộ Công ty TNHH Một thành viên Xổ số kiến thiết Lào Cai", (8, 14), "doanh-nghiep-nha-nuoc"),
    ]
    # Private units: names invented.
    private_units = [
        _base_cell("Chi bộ Công ty Cổ phần Xây dựng Hoàng Liên", (6, 12), "kinh-te-tu-nhan"),
        _base_cell("Chi bộ Công ty TNHH Du lịch Sa Pa Xanh", (4, 9), "kinh-te-tu-nhan"),
        _base_cell("Chi bộ Công ty Cổ phần Chè Bắc Hà", (6, 12), "kinh-te-tu-nhan"),
        _base_cell("Chi bộ Công ty TNHH Vận tải Kim Thành", (4, 9), "kinh-te-tu-nhan"),
        _base_committee(
            "Đảng bộ Công ty Cổ phần Khoáng sản Văn Bàn",
            "kinh-te-tu-nhan",
            [
                ("Chi bộ Văn phòng", (8, 14)),
                ("Chi bộ Phân xưởng tuyển khoáng", (15, 30)),
                ("Chi bộ Mỏ Văn Bàn", (15, 30)),
            ],
        ),
    ]
    bloc = Unit(
        name="Đảng ủy Khối Cơ quan - Doanh nghiệp tỉnh",
        kind="dang-uy-khoi",
        code="LC-KHOI",
        issuer="ĐUK",
        place="Lào Cai",
        children=tuple(administration + state_enterprises + private_units),
    )
    return Unit(name="Tỉnh ủy Lào Cai", kind="tinh-uy", code="LC", issuer="TU", place="Lào Cai", children=(bloc,))


# --- Tenants and accounts -------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    role: str
    organization: str  # name of an organization of the tenant, unique there


@dataclass(frozen=True)
class DemoTenant:
    root: Unit
    seed: str
    accounts: tuple[DemoAccount, ...]
    # code of an organization -> (its exact number of members at 31/12/2023, where the number comes from)
    fixed_members_2023: dict[str, tuple[int, str]] = field(default_factory=dict)


def _accounts(prefix: str, people: list[tuple[str, str, str]]) -> tuple[DemoAccount, ...]:
    """One account per role; `people` lists (full name, role, organization name) in the order of the roles."""
    suffixes = {
        Role.OFFICE_STAFF: "vanphong",
        Role.CELL_SECRETARY: "bithu",
        Role.REVIEW_BOARD: "bantochuc",
        Role.TENANT_ADMIN: "quantri",
    }
    return tuple(
        DemoAccount(f"{prefix}_{suffixes[role]}", full_name, role, organization)
        for full_name, role, organization in people
    )


# Every person is invented; none is one of the signatories of the seeds.
TENANTS = [
    DemoTenant(
        root=_lam_dong(),
        seed="demo-lam-dong",
        accounts=_accounts(
            "ld",
            [
                ("Nguyễn Thị Thu Hằng", Role.OFFICE_STAFF, "Huyện ủy Đơn Dương"),
                ("Bùi Văn Thắng", Role.CELL_SECRETARY, "Chi bộ thôn Ka Đô Mới 1"),
                ("Trần Minh Đức", Role.REVIEW_BOARD, "Huyện ủy Đơn Dương"),
                ("Lê Hoàng Phương", Role.TENANT_ADMIN, "Tỉnh ủy Lâm Đồng"),
            ],
        ),
    ),
    DemoTenant(
        root=_ha_noi(),
        seed="demo-ha-noi",
        accounts=_accounts(
            "hn",
            [
                ("Đỗ Thị Ngọc Ánh", Role.OFFICE_STAFF, "Đảng ủy phường Đống Đa"),
                ("Phạm Văn Khải", Role.CELL_SECRETARY, "Chi bộ Trường THPT Đống Đa"),
                ("Vũ Thanh Hương", Role.REVIEW_BOARD, "Đảng ủy phường Đống Đa"),
                ("Ngô Quang Huy", Role.TENANT_ADMIN, "Thành ủy Hà Nội"),
            ],
        ),
    ),
    DemoTenant(
        root=_lao_cai(),
        seed="demo-lao-cai",
        accounts=_accounts(
            "lc",
            [
                ("Hoàng Thị Hạnh", Role.OFFICE_STAFF, "Đảng ủy Khối Cơ quan - Doanh nghiệp tỉnh"),
                ("Lò Văn Thành", Role.CELL_SECRETARY, "Chi bộ Học sinh - Sinh viên"),
                ("Nguyễn Đức Mạnh", Role.REVIEW_BOARD, "Đảng ủy Khối Cơ quan - Doanh nghiệp tỉnh"),
                ("Vương Quốc Bảo", Role.TENANT_ADMIN, "Tỉnh ủy Lào Cai"),
            ],
        ),
        fixed_members_2023={
            "LC-KHOI": (
                LAO_CAI_BLOC_MEMBERS_2023,
                "Theo Kế hoạch kết nạp đảng viên năm 2024 của Ban Thường vụ Đảng ủy Khối (chú thích 1).",
            )
        },
    ),
]


class DemoUser(NamedTuple):
    username: str
    full_name: str
    role_label: str
    organization_name: str


DEMO_USERS = [
    DemoUser(account.username, account.full_name, Role(account.role).label, account.organization)
    for tenant in TENANTS
    for account in tenant.accounts
]
SUPERUSER = DemoUser("admin", "Quản trị viên hệ thống", "Quản trị Django (/quan-tri/)", "")


# --- The loader -----------------------------------------------------------------------------------------


@dataclass
class _Node:
    unit: Unit
    code: str
    parent_code: str | None
    ancestors: tuple[str, ...]


def _flatten(root: Unit) -> list[_Node]:
    """The tree in pre-order (parents before children, children in the given order), with every code set."""
    nodes: list[_Node] = []
    seen: set[str] = set()

    def visit(unit: Unit, code: str, parent: _Node | None) -> None:
        if code in seen:
            raise ValueError(f"Mã tổ chức mẫu bị trùng: {code}")
        seen.add(code)
        ancestors = (*parent.ancestors, parent.code) if parent else ()
        node = _Node(unit, code, parent.code if parent else None, ancestors)
        nodes.append(node)
        for index, child in enumerate(unit.children, start=1):
            visit(child, child.code or f"{code}-{index:02d}", node)

    visit(root, root.code, None)
    return nodes


def _fit_total(values: dict[str, int], total: int, *, keep: set[str]) -> None:
    """Scale cell counts so that they add up to `total` exactly, largest cells absorbing the rounding.

    Cells in `keep` (the deliberately small ones) are left as generated, so the red flags survive.
    """
    scalable = [code for code in values if code not in keep]
    target = total - sum(values[code] for code in keep)
    current = sum(values[code] for code in scalable)
    for code in scalable:
        values[code] = max(MIN_CELL_MEMBERS, round(values[code] * target / current))
    order = sorted(scalable, key=lambda code: -values[code])
    difference, index = total - sum(values.values()), 0
    while difference:
        code = order[index % len(order)]
        step = 1 if difference > 0 else -1
        if values[code] + step >= MIN_CELL_MEMBERS:
            values[code] += step
            difference -= step
        index += 1


def _member_counts(tenant: DemoTenant, nodes: list[_Node]) -> dict[dt.date, dict[str, tuple[int, int]]]:
    """(members, probationary) of every organization at each snapshot date; committees sum their cells."""
    rng = random.Random(tenant.seed)
    cells = [node for node in nodes if node.unit.kind in CELL_KINDS]
    at_2023 = {node.code: rng.randint(*node.unit.members) for node in cells}
    for code, (total, _source) in tenant.fixed_members_2023.items():
        inside = [node for node in cells if code in node.ancestors or node.code == code]
        values = {node.code: at_2023[node.code] for node in inside}
        _fit_total(values, total, keep={node.code for node in inside if node.unit.members[1] < 10})
        at_2023.update(values)
    at_2024 = {}
    for node in cells:
        small = node.unit.members[1] < 10
        # A year of admissions, deaths and transfers: a small net change, small cells staying small.
        change = rng.choice((-1, 0, 0, 1)) if small else rng.choice((-2, -1, 0, 1, 1, 2, 3))
        at_2024[node.code] = max(MIN_CELL_MEMBERS, at_2023[node.code] + change)
    counts: dict[dt.date, dict[str, tuple[int, int]]] = {}
    for day, members in ((END_2023, at_2023), (END_2024, at_2024)):
        totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for node in cells:
            value = members[node.code]
            probationary = rng.randint(0, value // 12)
            for code in (*node.ancestors, node.code):
                totals[code][0] += value
                totals[code][1] += probationary
        counts[day] = {code: (pair[0], pair[1]) for code, pair in totals.items()}
    return counts


@dataclass
class TenantReport:
    name: str
    code: str
    loaded: bool
    organizations: int = 0
    cells: int = 0
    members: dict[dt.date, int] = field(default_factory=dict)
    accounts: int = 0


@dataclass
class DemoReport:
    tenants: list[TenantReport]
    superuser_created: bool


def _load_tenant(tenant: DemoTenant, *, kinds, sectors, password_hash: str) -> TenantReport:
    nodes = _flatten(tenant.root)
    User = get_user_model()
    usernames = [account.username for account in tenant.accounts]
    taken = sorted(User.objects.filter(username__in=usernames).values_list("username", flat=True))
    if taken:
        raise ApplicationError("Tên đăng nhập mẫu đã được dùng: " + ", ".join(taken) + ".")
    root_unit = tenant.root
    root = tenant_create(
        name=root_unit.name,
        code=root_unit.code,
        kind=kinds[root_unit.kind],
        issuer_code=root_unit.issuer,
        place_name=root_unit.place,
    )
    specs = [
        NodeSpec(
            node.code,
            root if node.parent_code == root.code else node.parent_code,
            {
                "name": node.unit.name,
                "code": node.code,
                "kind": kinds[node.unit.kind],
                "sector": sectors[node.unit.sector] if node.unit.sector else None,
                "issuer_code": node.unit.issuer or kinds[node.unit.kind].default_issuer_code,
                "place_name": node.unit.place,
            },
        )
        for node in nodes[1:]
    ]
    organizations = {root.code: root, **bulk_add(specs, tenant_id=root.pk)}

    counts = _member_counts(tenant, nodes)
    notes = {(node.code, day): node.unit.note for node in nodes if node.unit.note for day in SNAPSHOT_DATES}
    notes.update({(code, END_2023): source for code, (_total, source) in tenant.fixed_members_2023.items()})
    MemberCountSnapshot.objects.bulk_create(
        [
            MemberCountSnapshot(
                organization=organizations[code],
                as_of=day,
                members=members,
                probationary=probationary,
                note=notes.get((code, day), ""),
            )
            for day in SNAPSHOT_DATES
            for code, (members, probationary) in counts[day].items()
        ]
    )

    users = []
    for account in tenant.accounts:
        family_and_middle, given = account.full_name.rsplit(" ", 1)
        users.append(
            User(
                username=account.username,
                first_name=given,
                last_name=family_and_middle,
                password=password_hash,
                # Tenant administrators read their subtree in Django admin, as role_grant arranges.
                is_staff=account.role == Role.TENANT_ADMIN,
            )
        )
    User.objects.bulk_create(users)
    by_username = {user.username: user for user in User.objects.filter(username__in=usernames)}
    by_name = {}
    for node in nodes:
        by_name.setdefault(node.unit.name, []).append(node.code)
    assignments = []
    for account in tenant.accounts:
        codes = by_name.get(account.organization, [])
        if len(codes) != 1:
            raise ValueError(f"Tổ chức của tài khoản mẫu {account.username} không xác định: {account.organization}")
        assignments.append(
            RoleAssignment(user=by_username[account.username], organization=organizations[codes[0]], role=account.role)
        )
    RoleAssignment.objects.bulk_create(assignments)

    cells = sum(1 for node in nodes if node.unit.kind in CELL_KINDS)
    members = {day: counts[day][root.code][0] for day in SNAPSHOT_DATES}
    AuditEvent.objects.create(
        tenant=root,
        organization=root,
        actor=None,
        kind=AuditEvent.Kind.IMPORT,
        summary=(
            f"Nạp dữ liệu mẫu: {len(nodes)} tổ chức đảng ({cells} chi bộ), số đảng viên tại 31/12/2023 và "
            f"31/12/2024, {len(assignments)} tài khoản"
        ),
        data={
            "source": "load_demo",
            "organizations": len(nodes),
            "cells": cells,
            "members": {day.isoformat(): value for day, value in members.items()},
            "accounts": usernames,
        },
    )
    return TenantReport(
        name=root.name,
        code=root.code,
        loaded=True,
        organizations=len(nodes),
        cells=cells,
        members=members,
        accounts=len(assignments),
    )


def demo_load() -> DemoReport:
    """Load the demo tenants that are not there yet (a tenant is recognised by its root code) and the superuser.

    Idempotent: a second run finds every root and the superuser and writes nothing.
    """
    with transaction.atomic():
        kinds = {kind.code: kind for kind in OrganizationKind.objects.filter(tenant__isnull=True)}
        sectors = {sector.code: sector for sector in Sector.objects.filter(tenant__isnull=True)}
        # One hash for every demo account: they share the demo password, and hashing is the slow part.
        password_hash = make_password(settings.DEMO_PASSWORD)
        reports = []
        for tenant in TENANTS:
            if Organization.objects.filter(depth=1, code=tenant.root.code).exists():
                reports.append(TenantReport(name=tenant.root.name, code=tenant.root.code, loaded=False))
                continue
            reports.append(_load_tenant(tenant, kinds=kinds, sectors=sectors, password_hash=password_hash))
        User = get_user_model()
        superuser_created = False
        if not User.objects.filter(username=SUPERUSER.username).exists():
            User.objects.create(
                username=SUPERUSER.username,
                first_name=SUPERUSER.full_name,
                password=password_hash,
                is_staff=True,
                is_superuser=True,
            )
            superuser_created = True
    return DemoReport(tenants=reports, superuser_created=superuser_created)
