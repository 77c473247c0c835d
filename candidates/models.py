"""Candidates (quần chúng), their event log, helpers and introducers, training classes and the holiday calendar.

`Candidate.stage` is the current stage; `CandidateEvent` is the append-only log written with it in one
transaction (candidates.services). Every event carries a copy of its organization's tree path (`org_path`),
its `kind` and `event_date`, so reports can count events under a subtree in one statement.
Sensitive personal data (Luật 91/2025/QH15; Nghị định 356/2025): `national_id`, `ethnicity`, `religion`,
`family_notes`. They are never put in URLs or logs and are shown only with Action.VIEW_SENSITIVE.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from config.text import fold, nfc, person_sort_key
from organizations.models import Category, Organization

from .stages import EXITS, EventKind, ExitReason, Stage

SENSITIVE_FIELDS = ("national_id", "ethnicity", "religion", "family_notes")


class Sex(models.TextChoices):
    MALE = "male", "Nam"
    FEMALE = "female", "Nữ"


class Education(models.TextChoices):
    """General education (trình độ giáo dục phổ thông). Lower secondary is the minimum (294-QĐ/TW, mục 1.2)."""

    PRIMARY = "primary", "Tiểu học"
    LOWER_SECONDARY = "lower_secondary", "Trung học cơ sở"
    UPPER_SECONDARY = "upper_secondary", "Trung học phổ thông"


class CandidateQuerySet(models.QuerySet):
    def in_subtree(self, organization: Organization):
        return self.filter(organization__path__startswith=organization.path)

    def under_path(self, path: str):
        """By the copied path (reports): one indexed range scan, no join."""
        return self.filter(org_path__startswith=path)

    def open(self):
        return self.exclude(stage__in=[*EXITS, Stage.FULL_MEMBER])

    def search(self, text: str):
        key = fold(text)
        return self.filter(search_text__contains=key) if key else self


class Candidate(models.Model):
    tenant = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+", verbose_name="đảng bộ")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="candidates", verbose_name="chi bộ"
    )
    org_path = models.CharField(max_length=255, editable=False, db_index=False)

    full_name = models.CharField("họ và tên", max_length=120)
    sex = models.CharField("giới tính", max_length=10, choices=Sex.choices)
    birth_date = models.DateField("ngày sinh")
    ethnicity = models.CharField("dân tộc", max_length=60, blank=True)
    religion = models.CharField("tôn giáo", max_length=60, blank=True)
    education = models.CharField("trình độ giáo dục phổ thông", max_length=20, choices=Education.choices, blank=True)
    education_exception = models.CharField(
        "căn cứ áp dụng học vấn tối thiểu thấp hơn",
        max_length=255,
        blank=True,
        help_text="Miền núi, biên giới, hải đảo, vùng đặc biệt khó khăn (Hướng dẫn 06-HD/TW, mục 1.2).",
    )
    qualification = models.CharField("trình độ chuyên môn", max_length=120, blank=True)
    occupation = models.CharField("nghề nghiệp, chức vụ", max_length=160, blank=True)
    workplace = models.CharField("nơi làm việc hoặc học tập", max_length=200, blank=True)
    phone = models.CharField("điện thoại", max_length=20, blank=True)
    national_id = models.CharField("số định danh cá nhân (CCCD)", max_length=12, blank=True)
    family_notes = models.TextField("ghi chú về gia đình (lịch sử chính trị)", blank=True)
    notes = models.TextField("ghi chú", blank=True)
    categories = models.ManyToManyField(Category, blank=True, related_name="+", verbose_name="đối tượng")

    stage = models.CharField("giai đoạn", max_length=20, choices=Stage.choices, default=Stage.SOURCE)
    stage_on = models.DateField("ngày của bước hiện tại", null=True, blank=True)
    listed_on = models.DateField("ngày đưa vào nguồn", null=True, blank=True)
    # What each step recorded (kept in step with the events; a correction restores the previous values).
    outstanding_on = models.DateField("ngày vào danh sách quần chúng ưu tú", null=True, blank=True)
    awareness_cert_number = models.CharField("số giấy chứng nhận nhận thức về Đảng", max_length=40, blank=True)
    awareness_cert_on = models.DateField("ngày cấp giấy chứng nhận nhận thức", null=True, blank=True)
    dossier_on = models.DateField("ngày lập hồ sơ", null=True, blank=True)
    history_on = models.DateField("ngày khai lý lịch", null=True, blank=True)
    verification_sent_on = models.DateField("ngày gửi thẩm tra lý lịch", null=True, blank=True)
    verification_abroad = models.BooleanField("thẩm tra ở nước ngoài", default=False)
    cell_resolution_number = models.CharField("số nghị quyết chi bộ", max_length=40, blank=True)
    cell_resolution_on = models.DateField("ngày nghị quyết chi bộ", null=True, blank=True)
    cell_votes_for = models.PositiveSmallIntegerField("chi bộ: số tán thành", null=True, blank=True)
    cell_members_counted = models.PositiveSmallIntegerField("chi bộ: tổng số đảng viên", null=True, blank=True)
    base_resolution_number = models.CharField("số nghị quyết đảng ủy cơ sở", max_length=40, blank=True)
    base_resolution_on = models.DateField("ngày nghị quyết đảng ủy cơ sở", null=True, blank=True)
    base_votes_for = models.PositiveSmallIntegerField("đảng ủy: số tán thành", null=True, blank=True)
    base_members_counted = models.PositiveSmallIntegerField("đảng ủy: tổng số", null=True, blank=True)
    senior_consent_number = models.CharField("số văn bản đồng ý (trên 60 tuổi)", max_length=40, blank=True)
    senior_consent_on = models.DateField("ngày văn bản đồng ý", null=True, blank=True)
    decision_number = models.CharField("số quyết định kết nạp", max_length=40, blank=True)
    decision_on = models.DateField("ngày quyết định kết nạp", null=True, blank=True)
    decision_body = models.CharField("cấp ủy quyết định kết nạp", max_length=200, blank=True)
    decision_votes_for = models.PositiveSmallIntegerField("quyết định: số tán thành", null=True, blank=True)
    decision_members_counted = models.PositiveSmallIntegerField("quyết định: tổng số", null=True, blank=True)
    decision_by_authorized_base = models.BooleanField("đảng ủy cơ sở được ủy quyền", default=False)
    decision_received_on = models.DateField("ngày nhận quyết định", null=True, blank=True)
    ceremony_on = models.DateField("ngày lễ kết nạp", null=True, blank=True)
    probation_ends_on = models.DateField("ngày hết 12 tháng dự bị", null=True, blank=True)
    new_member_cert_number = models.CharField("số giấy chứng nhận đảng viên mới", max_length=40, blank=True)
    new_member_cert_on = models.DateField("ngày cấp giấy chứng nhận đảng viên mới", null=True, blank=True)
    recognition_cell_resolution_on = models.DateField("ngày chi bộ đề nghị công nhận", null=True, blank=True)
    recognition_votes_for = models.PositiveSmallIntegerField("công nhận: số tán thành", null=True, blank=True)
    recognition_members_counted = models.PositiveSmallIntegerField("công nhận: tổng số", null=True, blank=True)
    recognition_number = models.CharField("số quyết định công nhận", max_length=40, blank=True)
    recognition_on = models.DateField("ngày quyết định công nhận", null=True, blank=True)
    recognition_body = models.CharField("cấp ủy công nhận", max_length=200, blank=True)
    full_member_from = models.DateField("là đảng viên chính thức từ ngày", null=True, blank=True)
    exit_reason = models.CharField("lý do dừng", max_length=20, choices=ExitReason.choices, blank=True)
    exit_on = models.DateField("ngày dừng / xóa tên / hủy", null=True, blank=True)
    exit_document = models.CharField("số văn bản", max_length=40, blank=True)
    exit_note = models.CharField("ghi chú khi dừng", max_length=255, blank=True)

    next_due_on = models.DateField("hạn gần nhất", null=True, blank=True)
    next_due_kind = models.CharField(max_length=20, blank=True)
    name_key = models.CharField(max_length=400, editable=False, default="")
    search_text = models.CharField(max_length=200, editable=False, default="")
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CandidateQuerySet.as_manager()

    class Meta:
        verbose_name = "quần chúng"
        verbose_name_plural = "quần chúng"
        indexes = [
            models.Index(fields=["org_path", "stage"], name="cand_path_stage"),
            models.Index(fields=["organization", "name_key"], name="cand_org_name"),
            models.Index(fields=["org_path", "next_due_on"], name="cand_path_due"),
            models.Index(fields=["tenant", "national_id"], name="cand_tenant_nid"),
        ]
        constraints = [
            # One open file per person in a tenant; a person dropped earlier may be listed again.
            models.UniqueConstraint(
                fields=["tenant", "national_id"],
                condition=~Q(national_id="") & ~Q(stage__in=sorted(EXITS)),
                name="cand_one_open_file_per_national_id",
            )
        ]

    def __str__(self) -> str:
        return self.full_name

    def fill_derived(self) -> None:
        """NFC text, sort and search keys, tree path copy (also used before bulk_create)."""
        for name in ("full_name", "ethnicity", "religion", "occupation", "workplace", "qualification"):
            setattr(self, name, nfc(getattr(self, name)))
        self.national_id = "".join(nfc(self.national_id).split())
        self.phone = nfc(self.phone)
        self.name_key = person_sort_key(self.full_name)[:400]
        self.search_text = fold(self.full_name)[:200]
        if self.organization_id and (not self.org_path or self.organization.path != self.org_path):
            self.org_path = self.organization.path
            self.tenant_id = self.organization.tenant_id

    @property
    def is_open(self) -> bool:
        return self.stage not in EXITS and self.stage != Stage.FULL_MEMBER


class CandidatePerson(models.Model):
    """A helper or an introducer: a full member (by name and cell), or the Youth Union / trade union."""

    class Role(models.TextChoices):
        HELPER = "helper", "Đảng viên giúp đỡ"
        INTRODUCER = "introducer", "Người giới thiệu"
        PROBATION_HELPER = "probation_helper", "Đảng viên giúp đỡ đảng viên dự bị"

    class Kind(models.TextChoices):
        MEMBER = "member", "Đảng viên chính thức"
        YOUTH_UNION = "youth_union", "Đoàn Thanh niên Cộng sản Hồ Chí Minh"
        TRADE_UNION = "trade_union", "Công đoàn cơ sở"

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="people")
    role = models.CharField("vai trò", max_length=20, choices=Role.choices)
    kind = models.CharField("là", max_length=20, choices=Kind.choices, default=Kind.MEMBER)
    full_name = models.CharField("họ và tên (hoặc tên tổ chức đoàn)", max_length=160)
    cell_name = models.CharField("chi bộ", max_length=200, blank=True)
    together_since = models.DateField(
        "cùng công tác, học tập, cư trú từ ngày",
        null=True,
        blank=True,
        help_text="Người giới thiệu phải cùng đơn vị ít nhất 12 tháng (Quy định 294-QĐ/TW, mục 3.2.1).",
    )
    replacement = models.BooleanField(
        "được phân công thay người đã chuyển đi",
        default=False,
        help_text="Không cần đủ 12 tháng (Quy định 294-QĐ/TW, mục 3.2.2).",
    )
    document = models.CharField("số, ngày nghị quyết giới thiệu", max_length=80, blank=True)
    started_on = models.DateField("từ ngày", null=True, blank=True)
    ended_on = models.DateField("đến ngày", null=True, blank=True)
    end_reason = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "người giúp đỡ, giới thiệu"
        verbose_name_plural = "người giúp đỡ, giới thiệu"
        ordering = ["role", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.full_name}"


class CandidateEventQuerySet(models.QuerySet):
    def counted(self):
        """Events that count: not undone by a correction and not annulled (294-QĐ/TW, mục 4.4)."""
        return self.filter(voided=False)

    def under_path(self, path: str):
        return self.filter(org_path__startswith=path)

    def in_period(self, start, end):
        return self.filter(event_date__gte=start, event_date__lte=end)


class CandidateEvent(models.Model):
    """Append-only: rows are never updated except to mark them void (by a correction or a cancellation)."""

    tenant = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="events")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=255)
    kind = models.CharField(max_length=30, choices=EventKind.choices)
    event_date = models.DateField()
    from_stage = models.CharField(max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField(max_length=20, choices=Stage.choices, blank=True)
    document_number = models.CharField(max_length=40, blank=True)
    summary = models.CharField(max_length=400, blank=True)
    data = models.JSONField(default=dict, blank=True)
    late = models.BooleanField(default=False)
    voided = models.BooleanField(default=False)
    voided_by = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="voids")
    corrects = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CandidateEventQuerySet.as_manager()

    class Meta:
        verbose_name = "sự kiện"
        verbose_name_plural = "sự kiện"
        ordering = ["event_date", "id"]
        indexes = [
            models.Index(fields=["kind", "org_path", "event_date"], name="cand_event_kind_path_date"),
            models.Index(fields=["candidate", "id"], name="cand_event_candidate"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.event_date:%d/%m/%Y}"


class CandidateChange(models.Model):
    """One changed field of a candidate: who, when, old → new. Sensitive values are shown only to roles that
    may see them (the history page masks them otherwise)."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="changes")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    field = models.CharField(max_length=60)
    label = models.CharField(max_length=120)
    old = models.TextField(blank=True)
    new = models.TextField(blank=True)
    sensitive = models.BooleanField(default=False)
    event = models.ForeignKey(CandidateEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    source = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = "thay đổi"
        verbose_name_plural = "lịch sử thay đổi"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["candidate", "-at"], name="cand_change_candidate")]

    def __str__(self) -> str:
        return f"{self.label}: {self.old} → {self.new}"


class SensitiveAccess(models.Model):
    """Append-only log of who viewed, edited, imported or exported sensitive fields, and when."""

    class What(models.TextChoices):
        VIEW = "view", "Xem"
        EDIT = "edit", "Mở biểu mẫu sửa"
        EXPORT = "export", "Xuất bảng tính"
        IMPORT = "import", "Nhập bảng tính"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    what = models.CharField(max_length=10, choices=What.choices)
    fields = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = "truy cập thông tin nhạy cảm"
        verbose_name_plural = "nhật ký truy cập thông tin nhạy cảm"
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_what_display()} {self.at:%d/%m/%Y %H:%M}"


class TrainingClass(models.Model):
    class Kind(models.TextChoices):
        AWARENESS = "awareness", "Lớp bồi dưỡng nhận thức về Đảng"
        NEW_MEMBER = "new_member", "Lớp bồi dưỡng đảng viên mới"

    tenant = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name="tổ chức mở lớp"
    )
    kind = models.CharField("loại lớp", max_length=20, choices=Kind.choices)
    name = models.CharField("tên lớp", max_length=200)
    organizer = models.CharField(
        "đơn vị tổ chức", max_length=200, help_text="Ví dụ: Trung tâm Chính trị xã (Hướng dẫn 06-HD/TW, mục 3.1)."
    )
    place = models.CharField("địa điểm", max_length=200, blank=True)
    starts_on = models.DateField("ngày khai giảng")
    ends_on = models.DateField("ngày bế giảng")
    certificate_on = models.DateField("ngày cấp giấy chứng nhận", null=True, blank=True)
    note = models.CharField("ghi chú", max_length=255, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "lớp bồi dưỡng"
        verbose_name_plural = "lớp bồi dưỡng"
        ordering = ["-starts_on", "-id"]

    def __str__(self) -> str:
        return self.name


class Enrolment(models.Model):
    class Result(models.TextChoices):
        PENDING = "pending", "Chưa có kết quả"
        PASSED = "passed", "Hoàn thành, được cấp giấy chứng nhận"
        FAILED = "failed", "Không đạt"
        ABSENT = "absent", "Không tham gia"

    training_class = models.ForeignKey(TrainingClass, on_delete=models.CASCADE, related_name="enrolments")
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="enrolments")
    result = models.CharField("kết quả", max_length=10, choices=Result.choices, default=Result.PENDING)
    certificate_number = models.CharField("số giấy chứng nhận", max_length=40, blank=True)
    certificate_on = models.DateField("ngày cấp", null=True, blank=True)
    recorded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "học viên"
        verbose_name_plural = "học viên"
        constraints = [models.UniqueConstraint(fields=["training_class", "candidate"], name="enrol_once_per_class")]

    def __str__(self) -> str:
        return f"{self.training_class_id}/{self.candidate_id}: {self.get_result_display()}"


class Holiday(models.Model):
    """A day off (public holiday, swapped day) or a worked weekend day ("làm bù") for working-day deadlines.

    Rows without a tenant are the national calendar (entered as data for each year); a tenant's row on the
    same date overrides it for that tenant.
    """

    tenant = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name="đảng bộ"
    )
    date = models.DateField("ngày")
    name = models.CharField("tên ngày nghỉ", max_length=160)
    is_working_day = models.BooleanField(
        "là ngày làm việc (làm bù)", default=False, help_text="Thứ Bảy đi làm bù cho ngày nghỉ được hoán đổi."
    )
    basis = models.CharField("căn cứ", max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "ngày nghỉ lễ, làm bù"
        verbose_name_plural = "lịch ngày nghỉ"
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "date"], name="holiday_once_per_tenant"),
            models.UniqueConstraint(fields=["date"], condition=Q(tenant__isnull=True), name="holiday_once_national"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.name}"
