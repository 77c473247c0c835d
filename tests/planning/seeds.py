"""The seed plans (../shared/seeds) entered as data through planning.services, as office staff would.

Each builder returns the plan; the tests in test_seeds.py assert the figures the seed prints.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from organizations.models import Category, MemberCountSnapshot, Organization, Role, Sector
from planning import services
from planning.models import Metric, Plan, Target
from planning.selectors import column_key_of
from tests.factories import grant, kind, make_org, make_tenant, make_user


def metric(code: str) -> Metric:
    return Metric.objects.get(tenant__isnull=True, code=code)


def category(code: str) -> Category:
    return Category.objects.get(tenant__isnull=True, code=code)


SEED_002_BASES = (
    "Thực hiện Nghị quyết số 22-NQ/HU ngày 18 tháng 12 năm 2024 của Huyện ủy Đơn Dương về phát triển kinh tế - "
    "xã hội, bảo đảm quốc phòng an ninh, xây dựng Đảng - hệ thống chính trị năm 2025; Chỉ thị số …-CT/HU, "
    "ngày …/01/2025 của Ban Thường vụ Huyện ủy về đẩy mạnh công tác phát triển đảng viên;"
)
SEED_002_RECIPIENTS = (
    "- Ban Tổ chức Tỉnh ủy (b/c),\n- Các đồng chí UVBTV Huyện ủy,\n- Các cơ quan tham mưu, giúp việc Huyện ủy,\n"
    "- Các Tổ chức cơ sở Đảng,\n- Lưu Văn phòng Huyện ủy."
)


def build_seed_002(district, *, issue: bool = True) -> Plan:
    """Huyện ủy Đơn Dương, annual plan 2025: at least 88 admissions; the annex allocates 91 to 15 units."""
    from .conftest import SEED_002_ANNEX

    staff = district.staff
    plan = services.plan_create(
        actor=staff,
        issuer=district.district,
        kind=Plan.Kind.ANNUAL,
        start_year=2025,
        title="Phát triển đảng viên năm 2025",
    )
    services.plan_update(
        actor=staff,
        plan=plan,
        legal_bases=SEED_002_BASES,
        preamble_closing="Ban Thường vụ Huyện ủy xây dựng kế hoạch phát triển đảng viên năm 2025 như sau:",
        recipients=SEED_002_RECIPIENTS,
        signer_title="Phó Bí thư",
        signer_name="Đinh Thị Mai",
        annex_note=(
            "Lưu ý:\n- Chỉ tiêu phát triển đảng viên là học sinh tại các Chi bộ Trường Trung học phổ thông được "
            "thực hiện theo Hướng dẫn số 14-HD/BTCTU, ngày 10/11/2023 của Ban Tổ chức Tỉnh ủy."
        ),
    )
    services.target_add(
        actor=staff,
        plan=plan,
        metric=metric(Metric.ADMISSIONS),
        kind=Target.Kind.MINIMUM,
        low=88,
        note="Có phân bổ chi tiết kèm theo",
    )
    services.allocation_column_add(
        actor=staff, plan=plan, metric=metric(Metric.ADMISSIONS), category=category("hoc-sinh")
    )
    total_key = column_key_of(metric(Metric.ADMISSIONS))
    pupils_key = column_key_of(metric(Metric.ADMISSIONS), category("hoc-sinh"))
    rows = [
        services.AllocationRow(organization_id=unit.pk, values={total_key: quota, pupils_key: pupils or None})
        for unit, (_, _, quota, pupils) in zip(district.units, SEED_002_ANNEX, strict=True)
    ]
    services.allocations_save(actor=staff, plan=plan, rows=rows)
    if issue:
        services.plan_issue(actor=staff, plan=plan, issued_on=dt.date(2025, 1, 15), number=12)
    plan.refresh_from_db()
    return plan


def build_seed_004() -> tuple[Plan, object, list[Organization]]:
    """Đảng ủy Khối Cơ quan - Doanh nghiệp tỉnh Lào Cai, annual plan 2024: 4% of 5,465 members at 31/12/2023,
    computed 218.6, confirmed 220, of which 135 / 40 / 30 by sector and 15 students; 4 awareness classes for
    320 trainees, 3 new-member classes for 240; base committees asked for their figures before 26/02/2024."""
    province = make_tenant("Đảng bộ tỉnh Lào Cai", "LAOCAI")
    bloc = Organization(
        tenant_id=province.tenant_id,
        name="Đảng ủy Khối Cơ quan - Doanh nghiệp tỉnh",
        code="DUK-CQDN",
        kind=kind("dang-uy-khoi"),
        issuer_code="ĐUK",
        place_name="Lào Cai",
    )
    bloc = Organization.objects.add_child(province, instance=bloc)
    sectors = {s.code: s for s in Sector.objects.filter(tenant__isnull=True)}
    bases = []
    for code, name, sector in (
        ("CQDN-01", "Đảng bộ Sở Giáo dục và Đào tạo", "hanh-chinh"),
        ("CQDN-02", "Đảng bộ Công ty Điện lực Lào Cai", "doanh-nghiep-nha-nuoc"),
        ("CQDN-03", "Chi bộ Công ty Cổ phần Apatit", "kinh-te-tu-nhan"),
        ("CQDN-04", "Đảng bộ Trường Cao đẳng Lào Cai", "hanh-chinh"),
    ):
        org = make_org(bloc, name, "dang-bo-co-so", code)
        org.sector = sectors[sector]
        org.save()
        bases.append(org)
    bloc.refresh_from_db()
    MemberCountSnapshot.objects.create(organization=bloc, as_of=dt.date(2023, 12, 31), members=5465)
    staff = make_user("vp_duk", full_name="Hoàng Thị Lan")
    grant(staff, bloc, Role.OFFICE_STAFF)
    plan = services.plan_create(
        actor=staff, issuer=bloc, kind=Plan.Kind.ANNUAL, start_year=2024, title="Kết nạp đảng viên năm 2024"
    )
    services.plan_update(
        actor=staff,
        plan=plan,
        legal_bases=(
            "Căn cứ Nghị quyết Đại hội Đảng bộ Khối Cơ quan - Doanh nghiệp tỉnh nhiệm kỳ 2020 - 2025;\n"
            "Chương trình công tác năm 2024 của Ban Chấp hành Đảng bộ Khối;"
        ),
        signer_title="Bí thư",
        signer_name="Nguyễn Hữu Long",
    )
    admissions = metric(Metric.ADMISSIONS)
    services.target_add(
        actor=staff,
        plan=plan,
        metric=admissions,
        kind=Target.Kind.RATE,
        rate_percent=Decimal("4"),
        base_as_of=dt.date(2023, 12, 31),
        confirmed=220,
    )
    for code, number in (
        ("khoi-hanh-chinh", 135),
        ("khoi-doanh-nghiep-nha-nuoc", 40),
        ("khoi-kinh-te-tu-nhan", 30),
        ("sinh-vien", 15),
    ):
        services.target_add(
            actor=staff, plan=plan, metric=admissions, category=category(code), kind=Target.Kind.ABSOLUTE, low=number
        )
    for code, number in (
        (Metric.AWARENESS_CLASSES, 4),
        (Metric.AWARENESS_TRAINEES, 320),
        (Metric.NEW_MEMBER_CLASSES, 3),
        (Metric.NEW_MEMBER_TRAINEES, 240),
    ):
        services.target_add(actor=staff, plan=plan, metric=metric(code), kind=Target.Kind.ABSOLUTE, low=number)
    services.proposal_request_create(
        actor=staff,
        plan=plan,
        metric=admissions,
        deadline=dt.date(2024, 2, 26),
        message="Cấp ủy cơ sở xây dựng kế hoạch phát triển đảng viên năm 2024 và thống kê số liệu (theo mẫu gửi kèm).",
    )
    return plan, staff, bases


SEED_001_EXEMPT = {
    "Chi bộ Văn phòng Đảng ủy": "Khối hành chính: 100% cán bộ, công chức, viên chức là đảng viên",
    "Chi bộ Khu dân cư số 1": "Chi bộ khu dân cư",
    "Chi bộ Trường Mầm non Hoa Sen": "Tổ chức cơ sở đảng hết nguồn kết nạp",
}


def build_seed_001() -> tuple[Plan, list[Organization]]:
    """Đảng ủy phường Đống Đa (Hà Nội), term plan 2025-2030: each year at least 90 admissions and 100 awareness
    trainees (each cell at least 5); each lower organization 3-5 admissions a year, except the exempted."""
    city = make_tenant("Đảng bộ Thành phố Hà Nội", "HANOI")
    ward = Organization(
        tenant_id=city.tenant_id,
        name="Đảng ủy phường Đống Đa",
        code="P-DONGDA",
        kind=kind("dang-uy-xa"),
        issuer_code="ĐU",
        place_name="Đống Đa",
    )
    ward = Organization.objects.add_child(city, instance=ward)
    names = [
        ("Đảng bộ Bệnh viện Bạch Mai", "dang-bo-co-so"),
        ("Chi bộ Trường THPT Kim Liên", "chi-bo-co-so"),
        ("Chi bộ Văn phòng Đảng ủy", "chi-bo"),
        ("Chi bộ Khu dân cư số 1", "chi-bo"),
        ("Chi bộ Trường Mầm non Hoa Sen", "chi-bo-co-so"),
        ("Chi bộ Công ty TNHH Thương mại Đông Đô", "chi-bo-co-so"),
    ]
    children = [make_org(ward, name, kind_code, f"DD-{i}") for i, (name, kind_code) in enumerate(names, 1)]
    ward.refresh_from_db()
    staff = make_user("vp_dongda", full_name="Trần Minh Đức")
    grant(staff, ward, Role.OFFICE_STAFF)
    plan = services.plan_create(
        actor=staff,
        issuer=ward,
        kind=Plan.Kind.TERM,
        start_year=2025,
        end_year=2030,
        title="Phát triển đảng viên mới nhiệm kỳ 2025 - 2030",
    )
    admissions, awareness = metric(Metric.ADMISSIONS), metric(Metric.AWARENESS_TRAINEES)
    services.target_add(actor=staff, plan=plan, metric=admissions, kind=Target.Kind.MINIMUM, low=90, each_year=True)
    services.target_add(actor=staff, plan=plan, metric=awareness, kind=Target.Kind.MINIMUM, low=100, each_year=True)
    services.target_add(
        actor=staff,
        plan=plan,
        metric=awareness,
        scope=Target.Scope.EACH_CELL,
        kind=Target.Kind.MINIMUM,
        low=5,
        each_year=True,
    )
    services.target_add(
        actor=staff,
        plan=plan,
        metric=admissions,
        scope=Target.Scope.EACH_CHILD,
        kind=Target.Kind.RANGE,
        low=3,
        high=5,
        each_year=True,
        note="Trừ các đơn vị khối hành chính 100% là đảng viên, tổ chức hết nguồn kết nạp và chi bộ khu dân cư",
    )
    by_name = {o.name: o for o in children}
    services.allocations_save(
        actor=staff,
        plan=plan,
        rows=[
            services.AllocationRow(organization_id=by_name[name].pk, exempt_reason=reason)
            for name, reason in SEED_001_EXEMPT.items()
        ],
    )
    return plan, children


SEED_000_CELLS = [
    "Tân Tiên",
    "Bắc Tiên",
    "Tiên Thượng",
    "Trung Tiên",
    "Phúc Thành 1",
    "Phúc Thành 2",
    "Phúc Sơn",
    "Phúc Lập",
]


def build_seed_000() -> tuple[Plan, list[Organization]]:
    """A commune committee's annual plan 2023 (17 cells): 10-12 admissions; eight named village cells must
    admit at least one member each (a quota of 01)."""
    district = make_tenant("Huyện ủy Thử nghiệm", "HUYENTN")
    commune = make_org(district, "Đảng ủy xã Tiên Phong", "dang-uy-xa", "XA-TP")
    others = [f"Xóm {i}" for i in range(1, 10)]
    cells = [
        make_org(commune, f"Chi bộ thôn {name}", "chi-bo", f"TP-{i:02d}")
        for i, name in enumerate(SEED_000_CELLS + others, 1)
    ]
    commune.refresh_from_db()
    staff = make_user("vp_tienphong", full_name="Trần Văn Trung")
    grant(staff, commune, Role.OFFICE_STAFF)
    plan = services.plan_create(
        actor=staff, issuer=commune, kind=Plan.Kind.ANNUAL, start_year=2023, title="Phát triển đảng viên năm 2023"
    )
    admissions = metric(Metric.ADMISSIONS)
    services.target_add(actor=staff, plan=plan, metric=admissions, kind=Target.Kind.RANGE, low=10, high=12)
    key = column_key_of(admissions)
    services.allocations_save(
        actor=staff,
        plan=plan,
        rows=[services.AllocationRow(organization_id=cell.pk, values={key: 1}) for cell in cells[:8]],
    )
    return plan, cells
