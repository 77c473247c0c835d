from celery import shared_task
from django.conf import settings

from .pdf import FontMissing
from .services import document_mark_failed, document_render

FAILED_MESSAGE = "Không tạo được tệp PDF sau nhiều lần thử. Hãy bấm “Tạo lại”; nếu vẫn lỗi, báo quản trị hệ thống."


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=settings.DOCUMENT_RENDER_MAX_RETRIES,
    # The Document row holds the state; with a result backend Celery would also wait for Redis on every send.
    ignore_result=True,
)
def render_document(self, document_id: int) -> None:
    """Render a document in this worker process. Acknowledged late: a killed worker's task is delivered again."""
    try:
        document_render(document_id=document_id)
    except FontMissing as exc:
        document_mark_failed(document_id=document_id, message=str(exc))
    except Exception as exc:
        if self.request.retries >= self.max_retries:
            document_mark_failed(document_id=document_id, message=FAILED_MESSAGE)
            return
        raise self.retry(exc=exc, countdown=2 ** (self.request.retries + 1)) from exc
