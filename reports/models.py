"""Official documents rendered to PDF by background workers."""

from django.conf import settings
from django.db import models

from organizations.models import Organization


class Document(models.Model):
    """One PDF of one document: what was asked, by whom, and where its rendering stands.

    `fingerprint` is the hash of the document's data and parameters: asking again for an unchanged
    document finds the same row (requests coalesce); a changed document gets a new row.
    """

    class Kind(models.TextChoices):
        PLAN = "plan", "Kế hoạch"
        PROGRESS_REPORT = "progress_report", "Báo cáo kết quả"
        LETTER = "letter", "Công văn"

    class Status(models.TextChoices):
        QUEUED = "queued", "Đang chờ"
        RENDERING = "rendering", "Đang tạo"
        READY = "ready", "Đã xong"
        FAILED = "failed", "Lỗi"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+", verbose_name="tổ chức")
    kind = models.CharField("loại văn bản", max_length=32, choices=Kind.choices)
    subject_id = models.BigIntegerField("đối tượng")
    parameters = models.JSONField("tham số", default=dict, blank=True)
    title = models.CharField("tiêu đề", max_length=300)
    fingerprint = models.CharField(max_length=64)
    final = models.BooleanField("bản chính thức (không thay đổi)", default=False)
    status = models.CharField("trạng thái", max_length=16, choices=Status.choices, default=Status.QUEUED)
    file = models.FileField("tệp PDF", upload_to="documents/%Y/%m/", blank=True)
    checksum = models.CharField("mã kiểm tra SHA-256", max_length=64, blank=True)
    page_count = models.PositiveIntegerField("số trang", null=True, blank=True)
    attempts = models.PositiveSmallIntegerField("số lần tạo", default=0)
    error_text = models.CharField("lỗi", max_length=500, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="người yêu cầu"
    )
    requested_at = models.DateTimeField("thời điểm yêu cầu", auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "văn bản PDF"
        verbose_name_plural = "văn bản PDF"
        ordering = ["-requested_at", "-id"]
        constraints = [
            # Requests coalesce: one row per document and content; a failed row is retried in place.
            models.UniqueConstraint(fields=["kind", "subject_id", "fingerprint"], name="one_document_per_content")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_pending(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RENDERING)


class Letter(models.Model):
    """A letter (công văn) of a committee, such as seed 003: number, "V/v" summary, addressees, body, signer."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+", verbose_name="cấp ủy")
    number = models.CharField("số, ký hiệu", max_length=40, help_text="Ví dụ 141-CV/HU.")
    summary = models.CharField("trích yếu (V/v)", max_length=300)
    addressees = models.CharField("kính gửi", max_length=300)
    body = models.TextField("nội dung", help_text="Mỗi đoạn một dòng.")
    place = models.CharField("địa danh", max_length=120)
    issued_on = models.DateField("ngày ban hành")
    recipients = models.TextField("nơi nhận", help_text="Mỗi nơi nhận một dòng.")
    authority = models.CharField("thẩm quyền ký", max_length=120, default="T/M BAN THƯỜNG VỤ")
    signer_title = models.CharField("chức vụ người ký", max_length=120, default="PHÓ BÍ THƯ")
    signer_name = models.CharField("họ tên người ký", max_length=120)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "công văn"
        verbose_name_plural = "công văn"
        ordering = ["-issued_on", "-id"]

    def __str__(self) -> str:
        return f"Công văn số {self.number}"


class SignedCopy(models.Model):
    """The scanned copy of a document after signature and seal, uploaded back and kept with it."""

    document_kind = models.CharField("loại văn bản", max_length=32, choices=Document.Kind.choices)
    subject_id = models.BigIntegerField("đối tượng")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    file = models.FileField("bản quét", upload_to="signed/%Y/%m/")
    checksum = models.CharField("mã kiểm tra SHA-256", max_length=64)
    size = models.PositiveIntegerField("dung lượng (byte)")
    note = models.CharField("ghi chú", max_length=255, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "bản đã ký"
        verbose_name_plural = "bản đã ký"
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return f"Bản đã ký {self.get_document_kind_display().lower()} {self.subject_id}"
