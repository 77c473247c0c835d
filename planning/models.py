"""Plans (annual / term), their targets, quota allocations down the tree, proposals, events and document numbers.

Figures follow the seeds (../shared/seeds): a target is an absolute number, a range ("10-12"), a minimum
("từ 88 trở lên") or a rate of the members at a date ("4% of 5.465 = 218,6", confirmed 220); an allocation gives
an organization below the issuer its quota, possibly "of which" a category ("03 (01 HS)").
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from organizations.models import Category, MemberCountSnapshot, Organization, TenantScopedQuerySet


class Metric(models.Model):
    """What a target counts (admissions, awareness-class trainees, classes ...). Data: a committee may add its own."""

    ADMISSIONS = "ket-nap"
    AWARENESS_TRAINEES = "nhan-thuc-hoc-vien"
    AWARENESS_CLASSES = "nhan-thuc-lop"
    NEW_MEMBER_TRAINEES = "dang-vien-moi-hoc-vien"
    NEW_MEMBER_CLASSES = "dang-vien-moi-lop"

    tenant = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name="đảng bộ"
    )
    code = models.SlugField("mã", max_length=40)
    name = models.CharField("tên chỉ tiêu", max_length=160)
    short_name = models.CharField("tên cột", max_length=60, blank=True)
    unit = models.CharField("đơn vị tính", max_length=40, default="người")
    sort_order = models.PositiveSmallIntegerField("thứ tự", default=100)

    objects = TenantScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "loại chỉ tiêu"
        verbose_name_plural = "loại chỉ tiêu"
        ordering = ["sort_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "code"], name="metric_code_unique_per_tenant"),
            models.UniqueConstraint(
                fields=["code"], condition=Q(tenant__isnull=True), name="metric_code_unique_global"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        return self.short_name or self.name


class CommitteeTerm(models.Model):
    """A term (nhiệm kỳ) of an organization's committee; document numbers restart at 01 in each term."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="committee_terms", verbose_name="tổ chức"
    )
    name = models.CharField("tên nhiệm kỳ", max_length=60, help_text="Ví dụ: nhiệm kỳ 2025-2030.")
    start = models.DateField("từ ngày")
    end = models.DateField("đến ngày", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "nhiệm kỳ"
        verbose_name_plural = "nhiệm kỳ"
        ordering = ["organization", "-start"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "start"], name="one_term_per_org_and_start"),
        ]

    def __str__(self) -> str:
        return f"{self.organization} {self.name}"


class NumberSequence(models.Model):
    """The last number used for one document type of one issuer in one term (locked while reserving)."""

    issuer = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    doc_type = models.CharField(max_length=10)
    term_start = models.DateField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issuer", "doc_type", "term_start"], name="one_sequence_per_term"),
        ]

    def __str__(self) -> str:
        return f"{self.doc_type}/{self.issuer_id} từ {self.term_start}: {self.last_number}"


class DocumentNumber(models.Model):
    """A reserved number "12-KH/HU": never given twice, never reused (Hướng dẫn 36-HD/VPTW on numbering)."""

    issuer = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="document_numbers", verbose_name="cơ quan ban hành"
    )
    doc_type = models.CharField("loại văn bản", max_length=10)
    term_start = models.DateField("đầu nhiệm kỳ")
    term_name = models.CharField("nhiệm kỳ", max_length=60, blank=True)
    number = models.PositiveIntegerField("số")
    issuer_code = models.CharField("ký hiệu cơ quan", max_length=20)
    dated = models.DateField("ngày văn bản")
    subject = models.CharField("trích yếu", max_length=255, blank=True)
    reserved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    reserved_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "số văn bản"
        verbose_name_plural = "số văn bản"
        ordering = ["issuer", "doc_type", "-term_start", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "doc_type", "term_start", "number"], name="document_number_never_twice"
            ),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        return format_document_number(self.number, self.doc_type, self.issuer_code)


def format_document_number(number: int | None, doc_type: str, issuer_code: str) -> str:
    """ "12-KH/HU": two digits at least, hyphen before the type, slash before the issuer (36-HD/VPTW)."""
    shown = f"{number:02d}" if number else "…"
    return f"{shown}-{doc_type}/{issuer_code}"


class PlanQuerySet(models.QuerySet):
    def in_subtree(self, organization):
        return self.filter(issuer__path__startswith=organization.path)

    def for_year(self, year: int):
        return self.filter(Q(year=year) | Q(start_year__lte=year, end_year__gte=year))

    def current(self):
        """Drafts and issued plans; superseded versions stay for history only."""
        return self.exclude(status=Plan.Status.SUPERSEDED)


class Plan(models.Model):
    """A plan (kế hoạch) issued by a committee for a year or a term; issued plans are locked."""

    class Kind(models.TextChoices):
        ANNUAL = "annual", "Kế hoạch năm"
        TERM = "term", "Kế hoạch nhiệm kỳ"
        OTHER = "other", "Kế hoạch giai đoạn khác"

    class Status(models.TextChoices):
        DRAFT = "draft", "Dự thảo"
        ISSUED = "issued", "Đã ban hành"
        SUPERSEDED = "superseded", "Đã được thay thế"

    DOC_TYPE = "KH"

    tenant = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    issuer = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="plans", verbose_name="cấp ủy ban hành"
    )
    kind = models.CharField("loại kế hoạch", max_length=10, choices=Kind.choices, default=Kind.ANNUAL)
    year = models.PositiveSmallIntegerField("năm", null=True, blank=True)
    start_year = models.PositiveSmallIntegerField("từ năm")
    end_year = models.PositiveSmallIntegerField("đến năm")
    title = models.CharField("trích yếu", max_length=255, help_text="Ví dụ: Phát triển đảng viên năm 2025.")
    status = models.CharField("trạng thái", max_length=12, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveSmallIntegerField("lần ban hành", default=1)
    previous_version = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="next_version", verbose_name="thay thế"
    )
    parent_plan = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="implementing_plans",
        verbose_name="thực hiện kế hoạch cấp trên",
    )
    number = models.OneToOneField(
        DocumentNumber, null=True, blank=True, on_delete=models.PROTECT, related_name="plan", verbose_name="số"
    )
    place = models.CharField("địa danh", max_length=120, blank=True)
    issued_on = models.DateField("ngày ban hành", null=True, blank=True)
    legal_bases = models.TextField(
        "căn cứ ban hành", blank=True, help_text="Mỗi văn bản “Thực hiện …”, “Căn cứ …” một dòng."
    )
    preamble_closing = models.CharField(
        "câu dẫn", max_length=400, blank=True, help_text="Ví dụ: Ban Thường vụ Huyện ủy xây dựng kế hoạch … như sau:"
    )
    recipients = models.TextField("nơi nhận", blank=True, help_text="Mỗi nơi nhận một dòng.")
    signer_authority = models.CharField("thẩm quyền ký", max_length=60, default="T/M BAN THƯỜNG VỤ")
    signer_title = models.CharField("chức vụ người ký", max_length=80, blank=True)
    signer_name = models.CharField("họ tên người ký", max_length=120, blank=True)
    annex_note = models.TextField("lưu ý dưới phụ lục", blank=True)
    revision = models.PositiveIntegerField(default=0, help_text="Tăng sau mỗi lần lưu phân bổ (chống ghi đè).")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = "kế hoạch"
        verbose_name_plural = "kế hoạch"
        ordering = ["-start_year", "-id"]
        indexes = [models.Index(fields=["issuer", "status"], name="plan_issuer_status")]
        constraints = [
            models.CheckConstraint(condition=Q(end_year__gte=models.F("start_year")), name="plan_years_in_order"),
        ]

    def __str__(self) -> str:
        return f"Kế hoạch {self.number_text} · {self.title}"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def period_label(self) -> str:
        if self.kind == self.Kind.ANNUAL:
            return f"năm {self.start_year}"
        label = "nhiệm kỳ" if self.kind == self.Kind.TERM else "giai đoạn"
        return f"{label} {self.start_year}-{self.end_year}"

    @property
    def years(self) -> list[int]:
        return list(range(self.start_year, self.end_year + 1))

    @property
    def number_text(self) -> str:
        if self.number_id:
            return self.number.text
        return format_document_number(None, self.DOC_TYPE, issuer_code_of(self.issuer))

    def legal_basis_lines(self) -> list[str]:
        return [line.strip() for line in self.legal_bases.splitlines() if line.strip()]

    def recipient_lines(self) -> list[str]:
        return [line.strip() for line in self.recipients.splitlines() if line.strip()]


def issuer_code_of(organization: Organization) -> str:
    return organization.issuer_code or organization.kind.default_issuer_code or "CB"


class PlanSection(models.Model):
    """A numbered section of the plan's body (I. MỤC ĐÍCH, YÊU CẦU ...); numerals come from the order."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="sections")
    order = models.PositiveSmallIntegerField("thứ tự", default=0)
    heading = models.CharField("tiêu đề", max_length=255)
    body = models.TextField("nội dung", blank=True)

    class Meta:
        ordering = ["plan", "order", "id"]

    def __str__(self) -> str:
        return self.heading


class Target(models.Model):
    """A target of a plan: an absolute number, a range, a minimum, or a rate of the members at a date."""

    class Kind(models.TextChoices):
        ABSOLUTE = "absolute", "Số cụ thể"
        RANGE = "range", "Khoảng (từ … đến …)"
        MINIMUM = "minimum", "Từ … trở lên"
        RATE = "rate", "Tỷ lệ trên tổng số đảng viên"

    class Scope(models.TextChoices):
        WHOLE = "whole", "Toàn đảng bộ"
        EACH_CHILD = "each_child", "Mỗi tổ chức trực thuộc"
        EACH_CELL = "each_cell", "Mỗi chi bộ"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="targets")
    metric = models.ForeignKey(Metric, on_delete=models.PROTECT, verbose_name="chỉ tiêu")
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.PROTECT, verbose_name="trong đó đối tượng"
    )
    scope = models.CharField("áp dụng cho", max_length=12, choices=Scope.choices, default=Scope.WHOLE)
    year = models.PositiveSmallIntegerField("năm", null=True, blank=True)
    each_year = models.BooleanField("mỗi năm", default=False)
    kind = models.CharField("dạng chỉ tiêu", max_length=10, choices=Kind.choices, default=Kind.ABSOLUTE)
    low = models.PositiveIntegerField("số (hoặc từ)", null=True, blank=True)
    high = models.PositiveIntegerField("đến", null=True, blank=True)
    rate_percent = models.DecimalField("tỷ lệ (%)", max_digits=5, decimal_places=2, null=True, blank=True)
    base_members = models.PositiveIntegerField("tổng số đảng viên", null=True, blank=True)
    base_as_of = models.DateField("tính đến ngày", null=True, blank=True)
    base_snapshot = models.ForeignKey(MemberCountSnapshot, null=True, blank=True, on_delete=models.SET_NULL)
    computed = models.DecimalField("số tính được", max_digits=12, decimal_places=2, null=True, blank=True)
    confirmed = models.PositiveIntegerField("số xác nhận", null=True, blank=True)
    note = models.CharField("ghi chú", max_length=255, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["plan", "order", "metric__sort_order", "id"]

    def __str__(self) -> str:
        return f"{self.metric}: {self.text}"

    @property
    def floor(self) -> int | None:
        """The number the plan commits to at least (what allocations and lower plans are checked against)."""
        if self.kind == self.Kind.RATE:
            if self.confirmed is not None:
                return self.confirmed
            return round_half_up(self.computed) if self.computed is not None else None
        return self.low

    @property
    def text(self) -> str:
        """The figure as the plan writes it: "88", "10-12", "từ 88 trở lên", "4% (220)"."""
        from organizations.templatetags.vn import format_number

        if self.kind == self.Kind.RANGE:
            return f"{self.low:02d}-{self.high:02d}" if self.high is not None else f"từ {self.low:02d}"
        if self.kind == self.Kind.MINIMUM:
            return f"từ {self.low:02d} trở lên"
        if self.kind == self.Kind.RATE:
            rate = format_number(self.rate_percent, 2).rstrip("0").rstrip(",")
            return f"{rate}% ({format_number(self.floor)})"
        return f"{self.low:02d}" if self.low is not None else ""

    @property
    def period_text(self) -> str:
        if self.year:
            return f"năm {self.year}"
        return "mỗi năm" if self.each_year else ""


def round_half_up(value) -> int:
    return int(Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP))


class AllocationColumn(models.Model):
    """A column of the allocation grid: a metric, optionally "of which" a category, optionally for one year."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="columns")
    metric = models.ForeignKey(Metric, on_delete=models.PROTECT)
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    key = models.CharField(max_length=40, editable=False)

    class Meta:
        ordering = ["plan", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["plan", "key"], name="one_column_per_metric_category_year")]

    def __str__(self) -> str:
        return self.key

    def save(self, *args, **kwargs):
        self.key = column_key(self.metric_id, self.category_id, self.year)
        super().save(*args, **kwargs)


def column_key(metric_id, category_id, year) -> str:
    return f"{metric_id}-{category_id or 0}-{year or 0}"


class Allocation(models.Model):
    """The quota given by a plan to one organization below its issuer, for one metric/category/year."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="allocations")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="allocations")
    metric = models.ForeignKey(Metric, on_delete=models.PROTECT)
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    quantity = models.PositiveIntegerField("chỉ tiêu")
    # metric-category-year, so one cell per organization is a plain unique constraint on every database.
    key = models.CharField(max_length=40, editable=False)

    class Meta:
        verbose_name = "phân bổ chỉ tiêu"
        verbose_name_plural = "phân bổ chỉ tiêu"
        constraints = [
            models.UniqueConstraint(fields=["plan", "organization", "key"], name="one_allocation_per_cell"),
        ]
        indexes = [models.Index(fields=["organization", "plan"], name="allocation_org_plan")]

    def __str__(self) -> str:
        return f"{self.organization_id}: {self.key} = {self.quantity}"

    def save(self, *args, **kwargs):
        self.key = column_key(self.metric_id, self.category_id, self.year)
        super().save(*args, **kwargs)


class Exemption(models.Model):
    """An organization below the issuer exempted from the plan's quotas, with the reason (seed 001)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="exemptions")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField("lý do", max_length=255)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["plan", "organization"], name="one_exemption_per_org")]

    def __str__(self) -> str:
        return self.reason


class ProposalRequest(models.Model):
    """A committee asks its lower organizations for their proposed quotas by a deadline (seed 004)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="proposal_requests")
    metric = models.ForeignKey(Metric, on_delete=models.PROTECT, verbose_name="chỉ tiêu")
    year = models.PositiveSmallIntegerField("năm", null=True, blank=True)
    deadline = models.DateField("hạn gửi")
    message = models.TextField("nội dung yêu cầu", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Đề nghị đề xuất trước {self.deadline:%d/%m/%Y}"


class Proposal(models.Model):
    """One lower organization's answer to a request: its proposed quota and note, then the committee's decision."""

    class Status(models.TextChoices):
        PENDING = "pending", "Chưa gửi"
        SUBMITTED = "submitted", "Đã gửi"
        ACCEPTED = "accepted", "Đã chấp nhận"
        ADJUSTED = "adjusted", "Đã điều chỉnh"

    request = models.ForeignKey(ProposalRequest, on_delete=models.CASCADE, related_name="proposals")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    proposed = models.PositiveIntegerField("số đề xuất", null=True, blank=True)
    note = models.TextField("ghi chú", blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided = models.PositiveIntegerField("số giao", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["request", "organization__path"]
        constraints = [models.UniqueConstraint(fields=["request", "organization"], name="one_proposal_per_org")]

    def __str__(self) -> str:
        return f"{self.organization_id}: {self.proposed}"

    @property
    def is_late(self) -> bool:
        if self.submitted_at is None:
            return dt.date.today() > self.request.deadline
        return self.submitted_at.date() > self.request.deadline


class PlanEvent(models.Model):
    """Append-only history of a plan: who, when, what, old → new (written by the service, same transaction)."""

    class Kind(models.TextChoices):
        CREATED = "created", "Tạo kế hoạch"
        UPDATED = "updated", "Sửa thông tin chung"
        SECTIONS = "sections", "Sửa nội dung"
        TARGET_ADDED = "target_added", "Thêm chỉ tiêu"
        TARGET_CHANGED = "target_changed", "Sửa chỉ tiêu"
        TARGET_REMOVED = "target_removed", "Xóa chỉ tiêu"
        COLUMN_ADDED = "column_added", "Thêm cột phân bổ"
        ALLOCATIONS = "allocations", "Phân bổ chỉ tiêu"
        IMPORTED = "imported", "Nhập phân bổ từ bảng tính"
        ISSUED = "issued", "Ban hành"
        AMENDED = "amended", "Tạo bản sửa đổi"
        SUPERSEDED = "superseded", "Được thay thế"
        PROPOSALS_REQUESTED = "proposals_requested", "Đề nghị cấp dưới đề xuất"
        PROPOSAL_SUBMITTED = "proposal_submitted", "Cấp dưới gửi đề xuất"
        PROPOSAL_DECIDED = "proposal_decided", "Chốt đề xuất"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    summary = models.CharField(max_length=400)
    changes = models.JSONField(default=list, blank=True, help_text="[[trường, cũ, mới], ...]")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.summary
