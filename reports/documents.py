"""The kinds of official document: how each builds its data, which template prints it, where it belongs.

A builder returns plain data (dicts, lists, strings, numbers). The same data feeds the template and the
fingerprint, so an unchanged document is recognised without rendering it again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass

from organizations.models import Organization
from organizations.templatetags.vn import format_document_date

from .models import Document, Letter


@dataclass(frozen=True)
class DocumentKind:
    code: str
    template: str
    # (subject_id, parameters) -> (organization the document belongs to, data for the template)
    build: Callable[[int | None, dict], tuple[Organization, dict]]


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


KINDS: dict[str, DocumentKind] = {
    Document.Kind.LETTER: DocumentKind(Document.Kind.LETTER, "reports/documents/letter.html", build_letter),
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
