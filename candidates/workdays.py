"""The working-day calendar of a tenant, and Vietnam's national holidays entered as data for each year.

Public holidays: Bộ luật Lao động 2019, Điều 112 (01/01; Tết Âm lịch 5 days; 10/3 lunar; 30/4; 01/5; 02/9 and
one day next to it); a holiday on a weekly rest day is taken on the next working day (Điều 111, khoản 3).
Each year the Government fixes the exact days for state bodies, with swapped days ("hoán đổi") paid back on a
Saturday ("làm bù"); the Party's bodies keep the same calendar. The lists below follow those announcements;
administrators add later years and local changes on the "Lịch ngày nghỉ" page.
"""

from __future__ import annotations

import datetime as dt

from django.core.cache import cache
from django.db.models import Q

from .rules import WorkCalendar

D = dt.date

# (date, name, is_working_day, basis)
_BASIS_2025 = "Thông báo 6150/TB-LĐTBXH (11/2024) về lịch nghỉ lễ, Tết năm 2025"
_BASIS_2026_NEW_YEAR = "Công văn 12729/VPCP-KGVX ngày 25/12/2025"
_BASIS_2026 = "Ý kiến Thủ tướng Chính phủ (VPCP, 10/2025) về nghỉ Tết Âm lịch và Quốc khánh năm 2026"
_BASIS_LAW = "Bộ luật Lao động 2019, Điều 111 - 112"


def _span(first: dt.date, last: dt.date, name: str, basis: str) -> list[tuple]:
    days = []
    day = first
    while day <= last:
        days.append((day, name, False, basis))
        day += dt.timedelta(days=1)
    return days


NATIONAL_HOLIDAYS: list[tuple] = [
    # 2025
    (D(2025, 1, 1), "Tết Dương lịch", False, _BASIS_LAW),
    # Tết Ất Tỵ: 25/01 (26 tháng Chạp) to 02/02/2025 (mùng 5 tháng Giêng), 9 days with the weekends.
    *_span(D(2025, 1, 25), D(2025, 2, 2), "Tết Nguyên đán Ất Tỵ", _BASIS_2025),
    (D(2025, 4, 7), "Giỗ Tổ Hùng Vương (10/3 Ất Tỵ)", False, _BASIS_LAW),
    (D(2025, 4, 26), "Làm bù cho ngày 02/5/2025", True, _BASIS_2025),
    (D(2025, 4, 30), "Ngày Chiến thắng", False, _BASIS_LAW),
    (D(2025, 5, 1), "Ngày Quốc tế lao động", False, _BASIS_LAW),
    (D(2025, 5, 2), "Nghỉ hoán đổi (làm bù thứ Bảy 26/4/2025)", False, _BASIS_2025),
    (D(2025, 9, 1), "Quốc khánh (ngày liền kề)", False, _BASIS_2025),
    (D(2025, 9, 2), "Quốc khánh", False, _BASIS_LAW),
    # 2026
    (D(2026, 1, 1), "Tết Dương lịch", False, _BASIS_LAW),
    (D(2026, 1, 2), "Nghỉ hoán đổi (làm bù thứ Bảy 10/01/2026)", False, _BASIS_2026_NEW_YEAR),
    (D(2026, 1, 10), "Làm bù cho ngày 02/01/2026", True, _BASIS_2026_NEW_YEAR),
    # Tết Bính Ngọ: 14/02 (27 tháng Chạp) to 22/02/2026 (mùng 6 tháng Giêng), 9 days with the weekends.
    *_span(D(2026, 2, 14), D(2026, 2, 22), "Tết Nguyên đán Bính Ngọ", _BASIS_2026),
    (D(2026, 4, 26), "Giỗ Tổ Hùng Vương (10/3 Bính Ngọ, Chủ nhật)", False, _BASIS_LAW),
    (D(2026, 4, 27), "Nghỉ bù Giỗ Tổ Hùng Vương", False, _BASIS_LAW),
    (D(2026, 4, 30), "Ngày Chiến thắng", False, _BASIS_LAW),
    (D(2026, 5, 1), "Ngày Quốc tế lao động", False, _BASIS_LAW),
    (D(2026, 8, 22), "Làm bù cho ngày 31/8/2026", True, _BASIS_2026),
    (D(2026, 8, 31), "Nghỉ hoán đổi (làm bù thứ Bảy 22/8/2026)", False, _BASIS_2026),
    (D(2026, 9, 1), "Quốc khánh (ngày liền kề)", False, _BASIS_2026),
    (D(2026, 9, 2), "Quốc khánh", False, _BASIS_LAW),
]


def install_national_holidays(Holiday) -> int:
    """Create the national rows that are missing (idempotent; used by a data migration and by tests)."""
    existing = set(Holiday.objects.filter(tenant__isnull=True).values_list("date", flat=True))
    rows = [
        Holiday(tenant=None, date=day, name=name, is_working_day=working, basis=basis)
        for day, name, working, basis in NATIONAL_HOLIDAYS
        if day not in existing
    ]
    Holiday.objects.bulk_create(rows)
    return len(rows)


_NATIONAL_VERSION_KEY = "candidates:calendar:national-version"


def _cache_key(tenant_id) -> str:
    version = cache.get_or_set(_NATIONAL_VERSION_KEY, 1, None)
    return f"candidates:calendar:{version}:{tenant_id}"


def calendar_for(tenant_id: int | None) -> WorkCalendar:
    """The tenant's calendar: national rows, overridden by the tenant's own rows on the same date."""
    key = _cache_key(tenant_id)
    cached = cache.get(key)
    if cached is not None:
        return cached
    from .models import Holiday

    by_date: dict[dt.date, bool] = {}
    rows = Holiday.objects.filter(Q(tenant__isnull=True) | Q(tenant_id=tenant_id))
    national_first = sorted(rows.values_list("date", "is_working_day", "tenant_id"), key=lambda r: r[2] is not None)
    for day, working, _tenant in national_first:
        by_date[day] = working
    result = WorkCalendar(
        days_off=frozenset(d for d, working in by_date.items() if not working),
        working_days=frozenset(d for d, working in by_date.items() if working),
    )
    cache.set(key, result, 300)
    return result


def calendar_changed(tenant_id: int | None) -> None:
    """Forget the cached calendar of a tenant (of every tenant when the national calendar changed)."""
    if tenant_id is None:
        try:
            cache.incr(_NATIONAL_VERSION_KEY)
        except ValueError:
            cache.set(_NATIONAL_VERSION_KEY, 2, None)
    else:
        cache.delete(_cache_key(tenant_id))
