"""django-import-export resources for the organization tree and the member-count snapshots.

How the two imports use them, and why they differ:

* Member counts are independent rows: each row is one (organization, date) snapshot, valid or not on its own.
  That is exactly import-export's model, so ``MemberCountResource`` does the whole import: its dry run gives the
  preview, its per-row validation errors (in Vietnamese, from our widgets) give the row errors, and it runs in a
  transaction that is rolled back if any row is wrong.
* A tree row is not independent: its parent may be another row of the same file (in any order), a duplicate code
  or a cycle is only visible across rows, and a changed parent is a treebeard move that rewrites paths of whole
  branches. Per-row saving cannot see that, and saving row by row while later rows are still unknown would write
  half a tree. So ``OrganizationResource`` defines the columns (export, header names, cell cleaning) and turns
  the file into rows; ``organizations.tree_import`` validates the whole file and then writes it in one go.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone
from import_export import fields, resources, widgets

from config.text import nfc

from .models import MemberCountSnapshot, Organization
from .spreadsheets import Sheet, cell_count, cell_date, cell_text, map_headers, write_xlsx

# --- widgets: Vietnamese errors, native values for .xlsx --------------------------------------------------------


class TextWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        return cell_text(value)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class CountWidget(widgets.Widget):
    """A whole non-negative number; exported as a number, not as text."""

    def clean(self, value, row=None, **kwargs):
        return cell_count(value)

    def render(self, value, obj=None, **kwargs):
        return value


class DateWidget(widgets.Widget):
    """dd/mm/yyyy text or a real Excel date; exported as a real date."""

    def clean(self, value, row=None, **kwargs):
        return cell_date(value)

    def render(self, value, obj=None, **kwargs):
        return value


class NamedWidget(widgets.Widget):
    """A kind or sector, exported by its name (imported by name or code, resolved in tree_import)."""

    def clean(self, value, row=None, **kwargs):
        return cell_text(value)

    def render(self, value, obj=None, **kwargs):
        return value.name if value is not None else ""


class ScopedCodeWidget(widgets.Widget):
    """An organization given by its code, looked up only inside the subtree the import was started at.

    The lookup table is filled once per file (one query), not once per cell.
    """

    def __init__(self):
        super().__init__()
        self.by_code: dict[str, Organization] = {}
        self.at: Organization | None = None

    def clean(self, value, row=None, **kwargs):
        code = cell_text(value)
        if not code:
            raise ValueError("Thiếu mã tổ chức.")
        organization = self.by_code.get(code)
        if organization is None:
            where = f" thuộc “{self.at.name}”" if self.at is not None else ""
            raise ValueError(f"Không tìm thấy tổ chức mã “{code}”{where}.")
        return organization

    def render(self, value, obj=None, **kwargs):
        return value.code if value is not None else ""


def _codes_in_chunks(codes: list[str], size: int = 500):
    for start in range(0, len(codes), size):
        yield codes[start : start + size]


# --- the tree ---------------------------------------------------------------------------------------------------

TREE_COLUMNS: dict[str, tuple[str, ...]] = {
    "Mã": ("Mã tổ chức", "Mã đơn vị"),
    "Mã cấp trên": ("Mã tổ chức cấp trên", "Cấp trên", "Mã cha"),
    "Tên tổ chức": ("Tên", "Tên đơn vị"),
    "Loại": ("Loại tổ chức",),
    "Khối": ("Khối",),
    "Ký hiệu": ("Ký hiệu cơ quan ban hành", "Ký hiệu văn bản"),
}
TREE_REQUIRED = ("Mã", "Mã cấp trên", "Tên tổ chức", "Loại")


class OrganizationResource(resources.ModelResource):
    """Columns of the tree file. Export: the subtree of one node, parents before children (path order)."""

    code = fields.Field(attribute="code", column_name="Mã", widget=TextWidget())
    parent_code = fields.Field(column_name="Mã cấp trên", widget=TextWidget())
    name = fields.Field(attribute="name", column_name="Tên tổ chức", widget=TextWidget())
    kind = fields.Field(attribute="kind", column_name="Loại", widget=NamedWidget())
    sector = fields.Field(attribute="sector", column_name="Khối", widget=NamedWidget())
    issuer_code = fields.Field(attribute="issuer_code", column_name="Ký hiệu", widget=TextWidget())

    class Meta:
        model = Organization
        fields = ("code", "parent_code", "name", "kind", "sector", "issuer_code")
        export_order = fields
        import_id_fields = ("code",)

    def __init__(self, *, at: Organization | None = None):
        super().__init__()
        self.at = at
        self._code_by_path: dict[str, str] = {}

    def get_queryset(self):
        queryset = Organization.objects.select_related("kind", "sector").filter(valid_to__isnull=True)
        if self.at is not None:
            queryset = queryset.filter(path__startswith=self.at.path)
        return queryset.order_by("path")

    def before_export(self, queryset, **kwargs):
        # Parent codes for the whole export in one query, not one per row.
        queryset = self.get_queryset() if queryset is None else queryset
        parents = {path[: -Organization.steplen] for path in queryset.values_list("path", flat=True)}
        self._code_by_path = dict(Organization.objects.filter(path__in=parents).values_list("path", "code"))

    def dehydrate_parent_code(self, organization: Organization) -> str:
        # The node the export starts at gets no parent: what lies above the user's scope is not theirs to see,
        # and a blank parent on that row is accepted by the import.
        if self.at is not None and organization.pk == self.at.pk:
            return ""
        return self._code_by_path.get(organization.path[: -Organization.steplen], "")

    @classmethod
    def rows_from(cls, sheet: Sheet):
        """The file's rows as TreeRow values (header names checked, cells cleaned by the fields' widgets)."""
        from .tree_import import TreeRow

        map_headers(sheet, TREE_COLUMNS, required=TREE_REQUIRED)
        resource = cls()
        present = set(sheet.dataset.headers)

        def value(row: dict, name: str) -> str | None:
            column = resource.fields[name].column_name
            return resource.fields[name].widget.clean(row[column]) if column in present else None

        rows = []
        for number, values in zip(sheet.row_numbers, sheet.dataset, strict=True):
            row = dict(zip(sheet.dataset.headers, values, strict=True))
            rows.append(
                TreeRow(
                    number=number,
                    code=value(row, "code"),
                    parent_code=value(row, "parent_code"),
                    name=value(row, "name"),
                    kind=value(row, "kind"),
                    sector=value(row, "sector"),
                    issuer_code=value(row, "issuer_code"),
                )
            )
        return rows


# --- member counts ----------------------------------------------------------------------------------------------

MEMBER_COUNT_COLUMNS: dict[str, tuple[str, ...]] = {
    "Mã tổ chức": ("Mã", "Mã đơn vị"),
    "Tên tổ chức": ("Tên",),
    "Tính đến ngày": ("Ngày", "Đến ngày", "Tính đến"),
    "Số đảng viên": ("Tổng số đảng viên", "Tổng số", "Số lượng"),
    "Dự bị": ("Trong đó dự bị", "Đảng viên dự bị", "Số dự bị"),
    "Ghi chú": (),
}
MEMBER_COUNT_REQUIRED = ("Mã tổ chức", "Tính đến ngày", "Số đảng viên")


class MemberCountResource(resources.ModelResource):
    """Member-count snapshots of a subtree: one row per organization and date; (organization, date) is the key."""

    organization = fields.Field(attribute="organization", column_name="Mã tổ chức", widget=ScopedCodeWidget())
    organization_name = fields.Field(column_name="Tên tổ chức", readonly=True, widget=TextWidget())
    as_of = fields.Field(attribute="as_of", column_name="Tính đến ngày", widget=DateWidget())
    members = fields.Field(attribute="members", column_name="Số đảng viên", widget=CountWidget())
    probationary = fields.Field(attribute="probationary", column_name="Dự bị", widget=CountWidget())
    note = fields.Field(attribute="note", column_name="Ghi chú", widget=TextWidget())

    class Meta:
        model = MemberCountSnapshot
        fields = ("organization", "organization_name", "as_of", "members", "probationary", "note")
        export_order = fields
        import_id_fields = ("organization", "as_of")
        skip_unchanged = True
        report_skipped = True
        skip_html_diff = True
        clean_model_instances = False
        use_transactions = True

    def __init__(self, *, at: Organization, row_numbers: list[int] | None = None):
        super().__init__()
        self.at = at
        self.row_numbers = row_numbers or []
        self._seen: dict[tuple, int] = {}
        self.fields["organization"].widget.at = at

    def get_queryset(self):
        return (
            MemberCountSnapshot.objects.filter(organization__path__startswith=self.at.path)
            .select_related("organization")
            .order_by("organization__path", "-as_of")
        )

    def dehydrate_organization_name(self, snapshot: MemberCountSnapshot) -> str:
        return snapshot.organization.name

    def excel_row(self, row_number: int) -> int:
        return self.row_numbers[row_number - 1] if 0 < row_number <= len(self.row_numbers) else row_number + 1

    def before_import(self, dataset, **kwargs):
        codes = sorted({cell_text(v) for v in dataset["Mã tổ chức"]} - {""})
        widget = self.fields["organization"].widget
        widget.by_code = {}
        for chunk in _codes_in_chunks(codes):
            for organization in Organization.objects.filter(
                tenant_id=self.at.tenant_id, path__startswith=self.at.path, code__in=chunk
            ):
                widget.by_code[organization.code] = organization
        self._seen = {}

    def before_import_row(self, row, **kwargs):
        """The key columns decide which snapshot the row is: check them first, with messages for the user."""
        errors: dict[str, str] = {}
        key = []
        for name in ("organization", "as_of"):
            field = self.fields[name]
            try:
                key.append(field.clean(row))
            except ValueError as exc:
                errors[name] = str(exc)
        if not errors and key[1] is None:
            errors["as_of"] = "Thiếu ngày (cột “Tính đến ngày”)."
        if errors:
            raise ValidationError(errors)
        number = self.excel_row(kwargs.get("row_number", 0))
        first = self._seen.setdefault((key[0].pk, key[1]), number)
        if first != number:
            raise ValidationError(f"Trùng tổ chức và ngày với dòng {first}.")

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        if "members" not in errors and instance.members is None:
            errors["members"] = ValidationError("Thiếu số đảng viên.")
        elif (
            "members" not in errors
            and "probationary" not in errors
            and instance.probationary is not None
            and instance.probationary > instance.members
        ):
            errors["probationary"] = ValidationError("Số dự bị lớn hơn tổng số đảng viên.")
        if instance.as_of and instance.as_of > timezone.localdate():
            errors["as_of"] = ValidationError(f"Ngày {instance.as_of:%d/%m/%Y} còn ở tương lai.")
        if len(instance.note or "") > 255:
            errors["note"] = ValidationError("Ghi chú dài quá 255 ký tự.")
        instance.note = nfc(instance.note)
        if errors:
            raise ValidationError(errors)


def tree_export_xlsx(*, at: Organization) -> bytes:
    """The active organizations of `at`'s subtree as an .xlsx the tree import reads back unchanged."""
    resource = OrganizationResource(at=at)
    return write_xlsx(resource.export(resource.get_queryset()), title="Cây tổ chức")


def member_counts_export_xlsx(*, at: Organization) -> bytes:
    """Every member-count snapshot of `at`'s subtree, newest first within each organization."""
    resource = MemberCountResource(at=at)
    return write_xlsx(resource.export(resource.get_queryset()), title="Số đảng viên")
