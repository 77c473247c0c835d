"""The kinds of official document: how each builds its data, which template prints it, where it belongs.

A builder returns plain data (dicts, lists, strings, numbers). The same data feeds the template and the
fingerprint, so an unchanged document is recognised without rendering it again.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass

from organizations.models import Organization
from organizations.templatetags.vn import format_document_date, format_number

from .models import Document, Letter


@dataclass(frozen=True)
class DocumentKind:
    code: str
    template: str
    # (subject_id, parameters) -> (organization the document belongs to, data for the template)
    build: Callable[[int | None, dict], tuple[Organization, dict]]
    # True when the subject is final (an issued plan): its first PDF is kept as the official copy, never redone.
    is_final: Callable[[int], bool] | None = None


def header_for(organization: Organization, *, number: str, place: str, on, letter_summary: str = "") -> dict:
    """The first-page header: the superior body (parent committee), the issuer, the number and the date line."""
    parent_path = organization.path[: -organization.steplen]
    parent = Organization.objects.filter(path=parent_path).only("name").first() if parent_path else None
    superior = ""
    if parent is not None:
        superior = "ĐẢNG BỘ " + _strip_committee_word(parent.name).upper()
    return {
        "superior": superior,
        "issuer": organization.name.upper(),
        "number": number,
        "place": place or organization.place_name or organization.name,
        "date_text": format_document_date(on) if on else "ngày     tháng     năm     ",
        "letter_summary": letter_summary,
    }


def _strip_committee_word(name: str) -> str:
    """ "Tỉnh ủy Lâm Đồng" -> "tỉnh Lâm Đồng": the superior line names the Party organization (đảng bộ)."""
    for prefix, replacement in (
        ("Tỉnh ủy ", "tỉnh "),
        ("Thành ủy ", "thành phố "),
        ("Huyện ủy ", "huyện "),
        ("Đảng ủy ", ""),
        ("Đảng bộ ", ""),
    ):
        if name.startswith(prefix):
            return replacement + name[len(prefix) :]
    return name


def lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def build_letter(subject_id: int | None, parameters: dict) -> tuple[Organization, dict]:
    letter = Letter.objects.select_related("organization").get(pk=subject_id)
    data = {
        "title": f"Công văn số {letter.number}",
        "draft": False,
        "header": header_for(
            letter.organization,
            number=letter.number,
            place=letter.place,
            on=letter.issued_on,
            letter_summary=letter.summary,
        ),
        "addressees": letter.addressees,
        "paragraphs": lines(letter.body),
        "closing": {
            "recipients": lines(letter.recipients),
            "authority": letter.authority,
            "signer_title": letter.signer_title,
            "signer_name": letter.signer_name,
            "signed_note": "",
        },
    }
    return letter.organization, data


TARGETS_PLACEHOLDER = "(Các chỉ tiêu được in từ bảng chỉ tiêu của kế hoạch.)"
SUBHEADING = re.compile(r"^\d+(\.\d+)*\.\s")


def target_line(target, plan) -> str:
    """One target as the plan prints it, built from the plan's data (the same figure the dashboards use)."""
    subject = target.metric.name
    if target.category_id:
        subject += f" là {target.category.name.lower()}"
    if target.scope != target.Scope.WHOLE:
        subject += f" ({target.get_scope_display().lower()})"
    period = target.period_text or (f"năm {plan.start_year}" if plan.kind == plan.Kind.ANNUAL else "")
    unit = target.metric.unit
    if target.kind == target.Kind.MINIMUM:
        figure = f"từ {target.low:02d} {unit} trở lên"
    elif target.kind == target.Kind.RANGE:
        figure = (
            f"từ {target.low:02d} {unit} trở lên"
            if target.high is None
            else f"{target.low:02d}-{target.high:02d} {unit}"
        )
    elif target.kind == target.Kind.RATE:
        rate = format_number(target.rate_percent, 2).rstrip("0").rstrip(",")
        figure = f"{rate}% ({format_number(target.floor)} {unit})"
        if target.base_members:
            as_of = f" tính đến {target.base_as_of:%d/%m/%Y}" if target.base_as_of else ""
            figure += f" trên tổng số {format_number(target.base_members)} đảng viên{as_of}"
    else:
        figure = f"{target.low:02d} {unit}" if target.low is not None else ""
    note = f" ({target.note[0].lower()}{target.note[1:]})" if target.note else ""
    return f"- {subject}{' ' + period if period else ''}: {figure}{note}."


def plan_body(plan, targets) -> list[dict]:
    """Sections with their numerals; the targets placeholder (or, failing it, the end of the targets section)
    receives the target lines built from data."""
    from planning.selectors import ROMAN

    target_lines = [target_line(t, plan) for t in targets]
    sections = []
    placed = False
    for index, section in enumerate(plan.sections.order_by("order", "id")):
        paragraphs = []
        for line in lines(section.body):
            if line == TARGETS_PLACEHOLDER:
                paragraphs += [{"text": t, "sub": False} for t in target_lines]
                placed = True
            elif line not in ("-", "1.", "2.", "3."):
                paragraphs.append({"text": line, "sub": bool(SUBHEADING.match(line))})
        sections.append(
            {
                "numeral": ROMAN[index] if index < len(ROMAN) else str(index + 1),
                "heading": section.heading,
                "paragraphs": paragraphs,
            }
        )
    if not placed and target_lines:
        for section in sections:
            if "mục tiêu" in section["heading"].lower():
                section["paragraphs"] = [{"text": t, "sub": False} for t in target_lines] + section["paragraphs"]
                break
    return sections


def _plan_is_issued(plan_id: int) -> bool:
    from planning.models import Plan

    return Plan.objects.filter(pk=plan_id).exclude(status=Plan.Status.DRAFT).exists()


def build_plan(subject_id: int | None, parameters: dict) -> tuple[Organization, dict]:
    from planning.models import Plan
    from planning.selectors import plan_annex_for_print

    plan = Plan.objects.select_related("issuer", "issuer__kind", "number").get(pk=subject_id)
    targets = list(plan.targets.select_related("metric", "category").order_by("order", "id"))
    annex = plan_annex_for_print(plan=plan)
    number = plan.number_text
    issued = f"{plan.issued_on:%d/%m/%Y}" if plan.issued_on else "…/…/…"
    data = {
        "title": f"Kế hoạch số {number}",
        "draft": plan.is_draft,
        "header": header_for(plan.issuer, number=number, place=plan.place, on=plan.issued_on),
        "type_name": "KẾ HOẠCH",
        "summary_line": plan.title,
        "legal_bases": plan.legal_basis_lines(),
        "preamble_closing": plan.preamble_closing,
        "sections": plan_body(plan, targets),
        "closing": {
            "recipients": [line.lstrip("- ").strip() for line in plan.recipient_lines()],
            "authority": plan.signer_authority,
            "signer_title": plan.signer_title,
            "signer_name": plan.signer_name,
            "signed_note": "",
        },
        "annex": None,
    }
    if annex.rows:
        data["annex"] = {
            "title": annex.title,
            "subtitle": f"(Kèm theo Kế hoạch số {number}, ngày {issued} của Ban Thường vụ {plan.issuer.name})",
            "column": "Tổ chức đảng",
            "rows": [{"stt": r.stt, "name": r.name, "text": r.text} for r in annex.rows],
            "total": annex.total.text,
            "notes": lines(plan.annex_note),
        }
    return plan.issuer, data


def _progress_line(label: str, cell, *, unit: str = "") -> str:
    text = f"{label}: {format_number(cell.achieved)}{(' ' + unit) if unit else ''}"
    if cell.quota is not None:
        text += f" / chỉ tiêu {format_number(cell.quota)}, đạt {format_number(cell.percent, 1)}%"
    return text


def build_progress_report(subject_id: int | None, parameters: dict) -> tuple[Organization, dict]:
    """The committee's progress report for a period: the figures of reports.dashboards, nothing retyped."""
    import datetime as dt

    from planning.models import format_document_number, issuer_code_of

    from .dashboards import quota_progress_of

    organization = Organization.objects.select_related("kind").get(pk=subject_id)
    progress = quota_progress_of(
        organization=organization,
        year=parameters.get("year"),
        plan_id=parameters.get("plan_id"),
        period=parameters.get("period", "nam"),
    )
    today = dt.date.fromisoformat(parameters["on"]) if parameters.get("on") else dt.date.today()
    main_column = progress.columns[0]
    total = progress.total
    period_text = f"{progress.period_name} {progress.year}"
    intro = []
    if progress.plan is not None:
        issued = f", ngày {progress.plan.issued_on:%d/%m/%Y}" if progress.plan.issued_on else ""
        intro.append(
            f"Thực hiện Kế hoạch số {progress.plan.number_text}{issued} của Ban Thường vụ {organization.name} về "
            f"{progress.plan.title[0].lower()}{progress.plan.title[1:]}, Ban Thường vụ {organization.name} báo cáo "
            f"kết quả {period_text} như sau:"
        )
    else:
        intro.append(f"Ban Thường vụ {organization.name} báo cáo kết quả phát triển đảng viên {period_text} như sau:")
    results = [
        f"- Tính đến ngày {min(progress.end, today):%d/%m/%Y}, toàn đảng bộ "
        + _progress_line(main_column.label.lower(), total.cell(main_column.key), unit="đảng viên")
        + ("" if total.cell(main_column.key).quota is None else " kế hoạch năm")
        + "."
    ]
    for column in progress.columns[1:]:
        results.append("- " + _progress_line(column.label, total.cell(column.key)) + ".")
    results.append(
        f"- Số quần chúng đã được chi bộ, đảng ủy cơ sở đề nghị kết nạp, có thể kết nạp trong kỳ: "
        f"{format_number(total.pipeline)}."
    )
    behind = [row.label for row in progress.rows if row.behind]
    assessment = (
        [f"- Các tổ chức đạt dưới tiến độ chỉ tiêu năm: {', '.join(behind)}."]
        if behind
        else ["- Các tổ chức trực thuộc đều bảo đảm tiến độ thực hiện chỉ tiêu."]
    )
    quota_columns = [c for c in progress.columns if c.has_quota]
    table_rows = [
        {
            "stt": f"{index:02d}",
            "name": row.label,
            "cells": [row.cell(c.key) for c in quota_columns],
            "pipeline": row.pipeline,
        }
        for index, row in enumerate(progress.rows, start=1)
    ]
    parent_path = organization.path[: -organization.steplen]
    parent = Organization.objects.filter(path=parent_path).values_list("name", flat=True).first()
    number = format_document_number(None, "BC", issuer_code_of(organization))
    data = {
        "title": f"Báo cáo kết quả phát triển đảng viên {period_text}",
        "draft": False,
        "header": header_for(organization, number=number, place="", on=today),
        "type_name": "BÁO CÁO",
        "summary_line": f"kết quả thực hiện kế hoạch phát triển đảng viên {period_text}",
        "intro": intro,
        "results": results,
        "assessment": assessment,
        "columns": [c.label for c in quota_columns],
        "rows": table_rows,
        "total": {"cells": [total.cell(c.key) for c in quota_columns], "pipeline": total.pipeline},
        "closing": {
            "recipients": ([f"Ban Tổ chức {parent} (b/c),"] if parent else [])
            + [f"Lưu Văn phòng {organization.name}."],
            "authority": parameters.get("authority") or "T/M BAN THƯỜNG VỤ",
            "signer_title": parameters.get("signer_title", ""),
            "signer_name": parameters.get("signer_name", ""),
            "signed_note": "",
        },
    }
    return organization, data


KINDS: dict[str, DocumentKind] = {
    Document.Kind.LETTER: DocumentKind(Document.Kind.LETTER, "reports/documents/letter.html", build_letter),
    Document.Kind.PROGRESS_REPORT: DocumentKind(
        Document.Kind.PROGRESS_REPORT, "reports/documents/progress_report.html", build_progress_report
    ),
    Document.Kind.PLAN: DocumentKind(
        Document.Kind.PLAN, "reports/documents/plan.html", build_plan, is_final=lambda pk: _plan_is_issued(pk)
    ),
}


def register(kind: DocumentKind) -> None:
    KINDS[kind.code] = kind


def fingerprint(kind: str, subject_id: int | None, parameters: dict, data: dict) -> str:
    payload = json.dumps(
        {"kind": kind, "subject": subject_id, "parameters": parameters, "data": data},
        sort_keys=True,
        default=str,
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()
