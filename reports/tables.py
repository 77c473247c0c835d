"""The dashboard's big table rendered in Python: one row per organization below, many numeric cells.

Django's template engine resolves each variable through several lookups; for a province (about 100 rows of a
dozen cells) that was two thirds of the page's time (bench/dashboard_bench.py). The markup is the same as the
template would write; every text that is not a number we formatted is escaped.
"""

from __future__ import annotations

from html import escape

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from organizations.templatetags.vn import format_number, format_percent

from .dashboards import Cell, QuotaProgress, Row

DASH = "—"
BEHIND = ' class="behind"'


def _cells(cells: list[Cell]) -> str:
    # Only numbers, dashes and percentages built here: nothing to escape.
    parts = []
    for cell in cells:
        if cell.has_quota:
            quota = DASH if cell.quota is None else format_number(cell.quota)
            pct = DASH if cell.percent is None else format_percent(cell.percent)
            remaining = DASH if cell.remaining is None else format_number(cell.remaining)
            parts.append(
                f'<td class="num">{quota}</td><td class="num">{format_number(cell.achieved)}</td>'
                f'<td class="num">{pct}</td><td class="num">{remaining}</td>'
            )
        else:
            parts.append(f'<td class="num">{format_number(cell.achieved)}</td>')
    return "".join(parts)


def _name(row: Row, year: int, url_of) -> str:
    label = escape(row.label)
    html = f'<a href="{url_of(row.organization.pk)}?nam={year}">{label}</a>' if row.has_children else label
    if row.exempt_reason:
        html += f' <span class="badge">miễn: {escape(row.exempt_reason)}</span>'
    if row.behind:
        html += ' <span class="badge red">chậm tiến độ</span>'
    main = row.main
    if main.quota:
        html += (
            f'<meter class="row-meter" min="0" max="{main.quota}" value="{main.achieved}" low="{main.quota}" '
            f'optimum="{main.quota}" aria-label="{format_percent(main.percent)}"></meter>'
        )
    return html


def _pipeline(row: Row) -> str:
    short = row.pipeline_covers is False
    note = ' <span class="badge red" title="Số đã đề nghị chưa đủ bù số còn lại">thiếu</span>' if short else ""
    return f'<td class="num">{format_number(row.pipeline)}{note}</td>'


def quota_rows(progress: QuotaProgress) -> SafeString:
    """The <tr> of every organization below, then the footer rows (own events, whole subtree)."""
    template = reverse("dashboard", args=[0])  # one reverse, then the pk put in place of the 0

    def url_of(pk: int) -> str:
        return template.replace("/0/", f"/{pk}/")

    lines = [
        f"<tr{BEHIND if row.behind else ''}><td>{index:02d}</td><td>{_name(row, progress.year, url_of)}"
        f"</td>{_cells(row.ordered)}{_pipeline(row)}</tr>"
        for index, row in enumerate(progress.rows, start=1)
    ]
    if not progress.rows:
        lines.append('<tr><td colspan="99" class="muted">Không có tổ chức trực thuộc.</td></tr>')
    lines += [
        f'<tr class="total"><td></td><td>{escape(row.label)}</td>{_cells(row.ordered)}'
        f'<td class="num">{format_number(row.pipeline)}</td></tr>'
        for row in progress.footer_rows
    ]
    return mark_safe("\n".join(lines))
