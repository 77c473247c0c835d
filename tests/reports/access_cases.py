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


CASES = {
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
