"""Vietnamese formats for pages and documents: "1.234", "102,1%", "15/01/2025", "ngày 15 tháng 01 năm 2025"."""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django import template

register = template.Library()


def format_number(value, decimals: int = 0) -> str:
    if value is None or value == "":
        return ""
    if decimals == 0 and type(value) is int:  # the common case in tables, without Decimal arithmetic
        return f"{value:,}".replace(",", ".")
    number = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    sign = "-" if number < 0 else ""
    text = f"{abs(number):.{decimals}f}"
    whole, _, fraction = text.partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    result = ".".join(groups)
    return sign + result + ("," + fraction if fraction else "")


def format_percent(value, decimals: int = 1) -> str:
    if value is None or value == "":
        return ""
    return format_number(value, decimals) + "%"


def format_date(value) -> str:
    if not value:
        return ""
    return f"{value:%d/%m/%Y}"


def format_document_date(value) -> str:
    """The date line of a Party document: leading zero for days below 10 and months 1-2 (Hướng dẫn 36-HD/VPTW)."""
    if not value:
        return ""
    month = f"{value.month:02d}" if value.month <= 2 else str(value.month)
    return f"ngày {value.day:02d} tháng {month} năm {value.year}"


@register.filter(name="so")
def so(value, decimals=0):
    """A number in Vietnamese notation: 1.234 or 218,6."""
    return format_number(value, int(decimals))


@register.filter(name="phan_tram")
def phan_tram(value, decimals=1):
    return format_percent(value, int(decimals))


@register.filter(name="ngay")
def ngay(value):
    if isinstance(value, dt.datetime):
        from django.utils import timezone

        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return f"{value:%H:%M %d/%m/%Y}"
    return format_date(value)


@register.filter(name="ngay_van_ban")
def ngay_van_ban(value):
    return format_document_date(value)


@register.filter(name="stt")
def stt(value):
    """Ordinal in tables of Party documents: 01, 02, ... 10."""
    return f"{int(value):02d}"


@register.filter(name="ho_ten")
def ho_ten(user):
    """A person's name in Vietnamese order: family and middle names (last_name) then the given name (first_name)."""
    if user is None:
        return ""
    name = f"{user.last_name} {user.first_name}".strip()
    return name or user.get_username()


@register.filter(name="phan_tram_ty_le")
def phan_tram_ty_le(fraction, decimals=0):
    """A fraction (0.25) as a Vietnamese percentage ("25%")."""
    if fraction is None or fraction == "":
        return ""
    return format_percent(Decimal(str(fraction)) * 100, int(decimals))


@register.filter(name="get_item")
def get_item(mapping, key):
    return mapping.get(key) if mapping else None
