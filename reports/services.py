"""Writes of the reports app: asking for a document, rendering it (in a worker), retrying a failed one."""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone

from config.errors import ApplicationError
from organizations.access import Action, access_for

from .documents import KINDS, fingerprint
from .models import Document
from .pdf import html_to_pdf, render_html

logger = logging.getLogger(__name__)

BROKER_DOWN_MESSAGE = "Dịch vụ tạo văn bản đang bận hoặc tạm ngừng. Yêu cầu chưa được nhận; hãy thử lại sau ít phút."


def _enqueue(document_id: int) -> None:
    """Queue the render after the commit; if the broker cannot be reached, say so on the document."""
    from .tasks import render_document

    try:
        render_document.apply_async((document_id,), queue=settings.DOCUMENT_QUEUE)
    except Exception as exc:  # the broker is down: kombu and redis raise several types
        if settings.CELERY_TASK_ALWAYS_EAGER:
            raise
        logger.warning("document %s: broker unavailable (%s)", document_id, type(exc).__name__)
        Document.objects.filter(pk=document_id, status=Document.Status.QUEUED).update(
            status=Document.Status.FAILED, error_text=BROKER_DOWN_MESSAGE, finished_at=timezone.now()
        )


def document_request(*, actor, kind: str, subject_id: int, parameters: dict | None = None, final=False) -> Document:
    """Ask for the PDF of a document. An unchanged document already asked for is returned as it is (coalescing).

    Invariant: at most one row per (kind, subject, content); the render is queued only once, after commit.
    """
    if kind not in KINDS:
        raise ApplicationError("Loại văn bản không hợp lệ.")
    parameters = parameters or {}
    try:
        organization, data = KINDS[kind].build(subject_id, parameters)
    except ObjectDoesNotExist as exc:  # an unknown subject looks the same as one out of scope
        raise Http404("Không tìm thấy văn bản.") from exc
    access_for(actor).require(Action.REQUEST_DOCUMENTS, organization)
    final = final or bool(KINDS[kind].is_final and KINDS[kind].is_final(subject_id))
    if final:
        # The official copy of an issued plan is rendered once and kept: later requests get that same file.
        official = (
            Document.objects.filter(kind=kind, subject_id=subject_id, final=True)
            .exclude(status=Document.Status.FAILED)
            .order_by("id")
            .first()
        )
        if official is not None:
            return official
    key = fingerprint(kind, subject_id, parameters, data)
    existing = Document.objects.filter(kind=kind, subject_id=subject_id, fingerprint=key).first()
    if existing is not None:
        if final and not existing.final:
            Document.objects.filter(pk=existing.pk).update(final=True)
            existing.final = True
        if existing.status == Document.Status.FAILED:
            return document_retry(actor=actor, document=existing)
        return existing
    try:
        with transaction.atomic():
            document = Document.objects.create(
                organization=organization,
                kind=kind,
                subject_id=subject_id,
                parameters=parameters,
                title=str(data.get("title", ""))[:300],
                fingerprint=key,
                final=final,
                requested_by=actor,
            )
            transaction.on_commit(lambda: _enqueue(document.pk))
    except IntegrityError:
        return Document.objects.get(kind=kind, subject_id=subject_id, fingerprint=key)
    return document


def document_retry(*, actor, document: Document) -> Document:
    access_for(actor).require(Action.REQUEST_DOCUMENTS, document.organization)
    with transaction.atomic():
        locked = Document.objects.select_for_update().get(pk=document.pk)
        if locked.status != Document.Status.FAILED:
            return locked
        locked.status = Document.Status.QUEUED
        locked.error_text = ""
        locked.attempts = 0
        locked.save(update_fields=["status", "error_text", "attempts"])
        transaction.on_commit(lambda: _enqueue(locked.pk))
    return locked


def document_render(*, document_id: int) -> Document:
    """Render one document (called by the worker). Idempotent: a ready document is left as it is, and a render
    interrupted by a killed worker is simply done again when the task is delivered again."""
    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document_id)
        if document.status == Document.Status.READY and document.file:
            return document
        document.status = Document.Status.RENDERING
        document.attempts += 1
        document.started_at = timezone.now()
        document.save(update_fields=["status", "attempts", "started_at"])
    if settings.DOCUMENT_RENDER_DELAY_SECONDS:
        time.sleep(settings.DOCUMENT_RENDER_DELAY_SECONDS)
    kind = KINDS[document.kind]
    _organization, data = kind.build(document.subject_id, document.parameters)
    pdf = html_to_pdf(render_html(kind.template, data))
    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document_id)
        if document.status == Document.Status.READY and document.file:
            return document
        document.file.save(f"{document.kind}-{document.pk}.pdf", ContentFile(pdf.content), save=False)
        document.checksum = pdf.checksum
        document.page_count = pdf.page_count
        document.status = Document.Status.READY
        document.error_text = ""
        document.finished_at = timezone.now()
        document.save()
    return document


def document_mark_failed(*, document_id: int, message: str) -> None:
    Document.objects.filter(pk=document_id).exclude(status=Document.Status.READY).update(
        status=Document.Status.FAILED, error_text=message[:500], finished_at=timezone.now()
    )


def letter_create(*, actor, organization, **fields):
    """A new letter of a committee; office staff of the committee (or above) write it."""
    from config.text import nfc

    from .models import Letter

    access_for(actor).require(Action.EDIT_PLANS, organization)
    clean = {
        name: nfc(value) if isinstance(value, str) and name not in ("body", "recipients") else value
        for name, value in fields.items()
    }
    with transaction.atomic():
        return Letter.objects.create(organization=organization, created_by=actor, **clean)


SIGNED_COPY_MAX_BYTES = 20 * 1024 * 1024


def signed_copy_upload(*, actor, plan, upload, note: str = ""):
    """Keep the scanned signed copy of an issued plan. Only PDF files, at most 20 MB."""
    import hashlib

    from config.text import nfc

    from .models import SignedCopy

    access_for(actor).require(Action.EDIT_PLANS, plan.issuer)
    if plan.status == plan.Status.DRAFT:
        raise ApplicationError("Chỉ lưu bản đã ký của kế hoạch đã ban hành.")
    if upload is None:
        raise ApplicationError("Chưa chọn tệp.")
    if upload.size > SIGNED_COPY_MAX_BYTES:
        raise ApplicationError("Tệp quá lớn: tối đa 20 MB.")
    content = upload.read()
    if not content.startswith(b"%PDF-"):
        raise ApplicationError("Tệp không phải PDF. Hãy quét văn bản đã ký thành tệp PDF.")
    with transaction.atomic():
        copy = SignedCopy(
            document_kind=Document.Kind.PLAN,
            subject_id=plan.pk,
            organization=plan.issuer,
            checksum=hashlib.sha256(content).hexdigest(),
            size=len(content),
            note=nfc(note),
            uploaded_by=actor,
        )
        copy.file.save(f"ke-hoach-{plan.pk}-ban-ky.pdf", ContentFile(content), save=False)
        copy.save()
    return copy
