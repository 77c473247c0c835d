"""The organization tree, its kinds and sectors, member-count snapshots, role assignments and the audit trail.

A tenant is a tree root: every organization carries its tenant (the root) so that nothing is read across trees.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from config.text import collation_key, fold, nfc


class TenantScopedQuerySet(models.QuerySet):
    def for_tenant(self, tenant):
        """Rows visible in a tenant: the tenant's own rows and the defaults shared by all (tenant is null)."""
        return self.filter(Q(tenant=tenant) | Q(tenant__isnull=True))


class OrganizationKind(models.Model):
    """A kind of node (Tỉnh ủy, Huyện ủy, Đảng ủy xã, Chi bộ trực thuộc ...). Data, so a province can add its own."""

    tenant = models.ForeignKey(
        "Organization",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name="đảng bộ",
    )
    code = models.SlugField("mã", max_length=40)
    name = models.CharField("tên loại", max_length=120)
    default_issuer_code = models.CharField("ký hiệu cơ quan ban hành mặc định", max_length=20, blank=True)
    is_committee = models.BooleanField("có tổ chức trực thuộc", default=True)
    is_base = models.BooleanField("là tổ chức cơ sở đảng", default=False)
    is_cell = models.BooleanField("là chi bộ", default=False)
    historical = models.BooleanField("loại trước 01/7/2025", default=False)
    sort_order = models.PositiveSmallIntegerField("thứ tự", default=100)

    objects = TenantScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "loại tổ chức"
        verbose_name_plural = "loại tổ chức"
        ordering = ["sort_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "code"], name="kind_code_unique_per_tenant"),
            models.UniqueConstraint(fields=["code"], condition=Q(tenant__isnull=True), name="kind_code_unique_global"),
        ]

    def __str__(self) -> str:
        return self.name


class Sector(models.Model):
    """Sector (khối) of an organization: state administration, state enterprises, private enterprises ..."""

    tenant = models.ForeignKey(
        "Organization",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name="đảng bộ",
    )
    code = models.SlugField("mã", max_length=40)
    name = models.CharField("tên khối", max_length=160)
    sort_order = models.PositiveSmallIntegerField("thứ tự", default=100)

    objects = TenantScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "khối"
        verbose_name_plural = "khối"
        ordering = ["sort_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "code"], name="sector_code_unique_per_tenant"),
            models.UniqueConstraint(
                fields=["code"], condition=Q(tenant__isnull=True), name="sector_code_unique_global"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Category(models.Model):
    """A category of people or units that targets and candidates share (planning and candidates both use it).

    Person categories (pupils, women, ethnic minorities, Youth Union members ...) are ticked on a candidate;
    a sector category counts the admissions made in organizations of that sector.
    """

    class Basis(models.TextChoices):
        PERSON = "person", "Theo đặc điểm người được kết nạp"
        SECTOR = "sector", "Theo khối của tổ chức"

    tenant = models.ForeignKey(
        "Organization", null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name="đảng bộ"
    )
    code = models.SlugField("mã", max_length=40)
    name = models.CharField("tên đối tượng", max_length=160)
    abbreviation = models.CharField("viết tắt", max_length=20, blank=True, help_text="Ví dụ HS trong “03 (01 HS)”.")
    basis = models.CharField("cách tính", max_length=10, choices=Basis.choices, default=Basis.PERSON)
    sector = models.ForeignKey(Sector, null=True, blank=True, on_delete=models.PROTECT, verbose_name="khối")
    sort_order = models.PositiveSmallIntegerField("thứ tự", default=100)

    objects = TenantScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "đối tượng"
        verbose_name_plural = "đối tượng"
        ordering = ["sort_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "code"], name="category_code_unique_per_tenant"),
            models.UniqueConstraint(
                fields=["code"], condition=Q(tenant__isnull=True), name="category_code_unique_global"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class OrganizationQuerySet(MP_NodeQuerySet):
    def in_subtree(self, organization, *, include_self: bool = True):
        qs = self.filter(path__startswith=organization.path)
        return qs if include_self else qs.exclude(pk=organization.pk)

    def under_paths(self, paths):
        """Organizations inside any of the given subtrees (paths of their roots)."""
        if not paths:
            return self.none()
        condition = Q()
        for path in paths:
            condition |= Q(path__startswith=path)
        return self.filter(condition)

    def active_on(self, day):
        return self.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day)).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=day)
        )

    def search(self, text: str):
        key = fold(text)
        return self.filter(Q(search_text__contains=key) | Q(code__iexact=nfc(text)))


class OrganizationManager(MP_NodeManager):
    def get_queryset(self):
        return OrganizationQuerySet(self.model, using=self._db).order_by("path")

    def in_subtree(self, organization, *, include_self: bool = True):
        return self.get_queryset().in_subtree(organization, include_self=include_self)

    def under_paths(self, paths):
        return self.get_queryset().under_paths(paths)


class Organization(MP_Node):
    """A node of a tenant's tree. Subtree = path prefix; depth is free; kinds are data."""

    steplen = 5
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"

    tenant = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name="đảng bộ (gốc)",
    )
    name = models.CharField("tên tổ chức", max_length=255)
    short_name = models.CharField("tên viết tắt", max_length=120, blank=True)
    code = models.CharField("mã", max_length=40)
    kind = models.ForeignKey(OrganizationKind, on_delete=models.PROTECT, verbose_name="loại")
    sector = models.ForeignKey(Sector, null=True, blank=True, on_delete=models.PROTECT, verbose_name="khối")
    issuer_code = models.CharField(
        "ký hiệu cơ quan ban hành",
        max_length=20,
        blank=True,
        help_text="Phần sau dấu gạch chéo trong số văn bản, ví dụ HU trong 12-KH/HU (Hướng dẫn 36-HD/VPTW).",
    )
    place_name = models.CharField(
        "địa danh", max_length=120, blank=True, help_text="Địa danh ghi ở dòng ngày tháng của văn bản."
    )
    valid_from = models.DateField("hiệu lực từ", null=True, blank=True)
    valid_to = models.DateField("hiệu lực đến", null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="predecessors",
        verbose_name="tổ chức kế thừa",
    )
    dissolution_note = models.CharField("lý do giải thể / sáp nhập", max_length=255, blank=True)
    search_text = models.CharField(max_length=400, editable=False, default="")
    name_key = models.CharField(max_length=400, editable=False, default="")

    objects = OrganizationManager()

    class Meta:
        verbose_name = "tổ chức đảng"
        verbose_name_plural = "tổ chức đảng"
        constraints = [models.UniqueConstraint(fields=["tenant", "code"], name="organization_code_unique_per_tenant")]
        indexes = [models.Index(fields=["tenant", "name_key"], name="org_tenant_name_key")]

    def __str__(self) -> str:
        return self.name

    def fill_derived(self) -> None:
        """Normalize text to NFC and refresh the search and sort keys (also used before bulk_create)."""
        self.name = nfc(self.name)
        self.short_name = nfc(self.short_name)
        self.code = nfc(self.code)
        self.search_text = f"{fold(self.name)} {fold(self.short_name)} {fold(self.code)}"[:400]
        self.name_key = collation_key(self.name)[:400]

    def save(self, *args, **kwargs):
        self.fill_derived()
        super().save(*args, **kwargs)

    @property
    def is_dissolved(self) -> bool:
        return self.valid_to is not None

    @property
    def tenant_path(self) -> str:
        return self.path[: self.steplen]

    def ancestor_paths(self) -> list[str]:
        return [self.path[:end] for end in range(self.steplen, len(self.path), self.steplen)]

    def covers(self, other: "Organization") -> bool:
        return other.path.startswith(self.path)


class MemberCountSnapshot(models.Model):
    """Number of members of an organization (its whole subtree) at a date; rate targets are computed from it."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="member_counts", verbose_name="tổ chức"
    )
    as_of = models.DateField("tính đến ngày")
    members = models.PositiveIntegerField("số đảng viên")
    probationary = models.PositiveIntegerField("trong đó dự bị", null=True, blank=True)
    note = models.CharField("ghi chú", max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "số đảng viên"
        verbose_name_plural = "số đảng viên"
        ordering = ["-as_of"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "as_of"], name="one_member_count_per_org_and_date")
        ]

    def __str__(self) -> str:
        return f"{self.organization} {self.as_of:%d/%m/%Y}: {self.members}"


class Role(models.TextChoices):
    OFFICE_STAFF = "office_staff", "Văn phòng / Ban Tổ chức cấp ủy"
    CELL_SECRETARY = "cell_secretary", "Bí thư chi bộ"
    REVIEW_BOARD = "review_board", "Ban Tổ chức / Ban Thường vụ (xem xét)"
    TENANT_ADMIN = "tenant_admin", "Quản trị hệ thống của đảng bộ"


class RoleAssignmentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class RoleAssignment(models.Model):
    """A role granted on a node; it covers the node's whole subtree and nothing above or beside it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="role_assignments",
        verbose_name="người dùng",
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="role_assignments", verbose_name="tổ chức"
    )
    role = models.CharField("vai trò", max_length=32, choices=Role.choices)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField("ngày giao", auto_now_add=True)
    revoked_at = models.DateTimeField("ngày thu hồi", null=True, blank=True)

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = "phân quyền"
        verbose_name_plural = "phân quyền"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization", "role"],
                condition=Q(revoked_at__isnull=True),
                name="one_active_role_per_user_org",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} - {self.get_role_display()} - {self.organization}"


class AuditEvent(models.Model):
    """Append-only trail of changes to the tree, roles and member counts: who, when, what."""

    class Kind(models.TextChoices):
        ORG_CREATED = "org_created", "Thêm tổ chức"
        ORG_UPDATED = "org_updated", "Sửa tổ chức"
        ORG_MOVED = "org_moved", "Chuyển tổ chức"
        ORG_DISSOLVED = "org_dissolved", "Giải thể / sáp nhập"
        ROLE_GRANTED = "role_granted", "Giao vai trò"
        ROLE_REVOKED = "role_revoked", "Thu hồi vai trò"
        MEMBER_COUNT = "member_count", "Cập nhật số đảng viên"
        IMPORT = "import", "Nhập từ bảng tính"

    tenant = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey(Organization, null=True, on_delete=models.SET_NULL, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    summary = models.CharField(max_length=400)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "nhật ký thay đổi"
        verbose_name_plural = "nhật ký thay đổi"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.summary
