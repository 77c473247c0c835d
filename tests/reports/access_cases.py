import datetime as dt

from reports.models import Document, Letter
from tests.access.registry import UrlCase


def _letter(org):
    return Letter.objects.create(
        organization=org,
        number="1-CV/ĐU",
        summary="thử",
        addressees="Các chi bộ",
        body="Nội dung.",
        place="Ka Đô",
        issued_on=dt.date(2025, 1, 15),
        recipients="Lưu VP.",
        signer_name="Trần Văn Trung",
    )


def _document(org):
    return Document.objects.create(
        organization=org,
        kind="letter",
        subject_id=_letter(org).pk,
        title="Công văn",
        fingerprint="0" * 64,
        status=Document.Status.FAILED,
        error_text="Lỗi thử",
    )


def _signed(org):
    from django.core.files.base import ContentFile

    from reports.models import SignedCopy

    copy = SignedCopy(document_kind="plan", subject_id=1, organization=org, checksum="0" * 64, size=9)
    copy.file.save("thu.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
    copy.save()
    return copy


def _issued_plan(org):
    from planning.models import Plan
    from tests.planning.access_cases import _plan

    return _plan(org, Plan.Status.ISSUED)


CASES = {
    "dashboard": UrlCase("view"),
    "dashboard_flow": UrlCase("view"),
    "dashboard_flags": UrlCase("view"),
    "dashboard_export": UrlCase("view", lambda w, org: ([org.pk, "chi-tieu"], None)),
    "plan_documents": UrlCase("view", lambda w, org: ([_issued_plan(org).pk], None)),
    "signed_copy_download": UrlCase("view", lambda w, org: ([_signed(org).pk], None)),
    "document_request": UrlCase(
        "request_documents", lambda w, org: ([], {"kind": "letter", "subject": _letter(org).pk})
    ),
    "document_detail": UrlCase("view", lambda w, org: ([_document(org).pk], None)),
    "document_status": UrlCase("view", lambda w, org: ([_document(org).pk], None)),
    "document_download": UrlCase("view", lambda w, org: ([_document(org).pk], None), ok=(404,)),
    "document_retry": UrlCase("request_documents", lambda w, org: ([_document(org).pk], {})),
    "letter_list": UrlCase("view"),
    "letter_create": UrlCase("edit_plans"),
    "letter_detail": UrlCase("view", lambda w, org: ([_letter(org).pk], None)),
}
