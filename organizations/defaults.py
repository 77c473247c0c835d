"""Default organization kinds and sectors, shared by every tenant (a tenant may add its own).

Kinds after the 2025 reorganisation (no district level) and the pre-2025 kinds that the seeds use.
"""

KINDS = [
    # code, name, default issuer code, is_committee, is_base, is_cell, historical, sort order
    ("tinh-uy", "Tỉnh ủy / Thành ủy", "TU", True, False, False, False, 10),
    ("dang-uy-khoi", "Đảng ủy Khối", "ĐUK", True, False, False, True, 20),
    ("dang-uy-co-quan-dang", "Đảng ủy các cơ quan Đảng tỉnh", "ĐU", True, False, False, False, 21),
    ("dang-uy-ubnd", "Đảng ủy Ủy ban nhân dân tỉnh", "ĐU", True, False, False, False, 22),
    ("huyen-uy", "Huyện ủy / Quận ủy / Thị ủy", "HU", True, False, False, True, 30),
    ("dang-uy-xa", "Đảng ủy xã / phường / đặc khu", "ĐU", True, True, False, False, 40),
    ("dang-bo-co-so", "Đảng bộ cơ sở", "ĐU", True, True, False, False, 50),
    ("chi-bo-co-so", "Chi bộ cơ sở", "CB", False, True, True, False, 60),
    ("dang-bo-bo-phan", "Đảng bộ bộ phận", "ĐU", True, False, False, False, 70),
    ("chi-bo", "Chi bộ trực thuộc", "CB", False, False, True, False, 80),
]

SECTORS = [
    ("hanh-chinh", "Cơ quan hành chính nhà nước và đơn vị sự nghiệp", 10),
    ("doanh-nghiep-nha-nuoc", "Doanh nghiệp có vốn nhà nước", 20),
    ("kinh-te-tu-nhan", "Đơn vị kinh tế tư nhân", 30),
    ("co-quan-dang", "Cơ quan Đảng, Mặt trận và đoàn thể", 40),
    ("xa-phuong", "Xã, phường, thị trấn, đặc khu", 50),
    ("thon-to-dan-pho", "Thôn, tổ dân phố, khu dân cư", 60),
    ("truong-hoc", "Trường học", 70),
    ("luc-luong-vu-trang", "Công an, quân sự", 80),
]


CATEGORIES = [
    # code, name, abbreviation, basis, sector code, sort order
    ("hoc-sinh", "Học sinh", "HS", "person", None, 10),
    ("sinh-vien", "Sinh viên", "SV", "person", None, 20),
    ("nu", "Nữ", "Nữ", "person", None, 30),
    ("dan-toc-thieu-so", "Người dân tộc thiểu số", "DTTS", "person", None, 40),
    ("ton-giao", "Người theo tôn giáo", "TG", "person", None, 50),
    ("doan-vien", "Đoàn viên Đoàn Thanh niên", "ĐV", "person", None, 60),
    ("tuoi-18-30", "Tuổi từ 18 đến 30", "18-30", "person", None, 70),
    ("lao-dong-tu-nhan", "Người lao động trong doanh nghiệp tư nhân", "TN", "person", None, 80),
    ("khoi-hanh-chinh", "Khối cơ quan hành chính nhà nước và đơn vị sự nghiệp", "HC", "sector", "hanh-chinh", 110),
    ("khoi-doanh-nghiep-nha-nuoc", "Khối doanh nghiệp có vốn nhà nước", "DNNN", "sector", "doanh-nghiep-nha-nuoc", 120),
    ("khoi-kinh-te-tu-nhan", "Khối đơn vị kinh tế tư nhân", "KTTN", "sector", "kinh-te-tu-nhan", 130),
]


def install_defaults(apps=None) -> None:
    """Create the shared kinds and sectors if missing (idempotent; used by a migration and by tests)."""
    if apps is None:
        from .models import Category, OrganizationKind, Sector
    else:
        OrganizationKind = apps.get_model("organizations", "OrganizationKind")
        Sector = apps.get_model("organizations", "Sector")
        Category = apps.get_model("organizations", "Category")
    for code, name, issuer, committee, base, cell, historical, order in KINDS:
        OrganizationKind.objects.get_or_create(
            tenant=None,
            code=code,
            defaults={
                "name": name,
                "default_issuer_code": issuer,
                "is_committee": committee,
                "is_base": base,
                "is_cell": cell,
                "historical": historical,
                "sort_order": order,
            },
        )
    for code, name, order in SECTORS:
        Sector.objects.get_or_create(tenant=None, code=code, defaults={"name": name, "sort_order": order})
    for code, name, abbreviation, basis, sector_code, order in CATEGORIES:
        sector = Sector.objects.get(tenant=None, code=sector_code) if sector_code else None
        Category.objects.get_or_create(
            tenant=None,
            code=code,
            defaults={
                "name": name,
                "abbreviation": abbreviation,
                "basis": basis,
                "sector": sector,
                "sort_order": order,
            },
        )
