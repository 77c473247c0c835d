from django import forms

from organizations.forms import DATE_WIDGET, VietnameseFormMixin

from .models import Plan, Target

TEXTAREA_SMALL = forms.Textarea(attrs={"rows": 4})


def _year_field(label: str, required: bool = True) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=1990,
        max_value=2100,
        required=required,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class PlanChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, plan: Plan) -> str:
        return f"{plan.issuer.name}: Kế hoạch {plan.number_text} · {plan.title} ({plan.get_status_display().lower()})"


class PlanCreateForm(VietnameseFormMixin, forms.Form):
    kind = forms.ChoiceField(label="Loại kế hoạch", choices=Plan.Kind.choices, initial=Plan.Kind.ANNUAL)
    start_year = _year_field("Năm (hoặc năm bắt đầu)")
    end_year = _year_field("Năm kết thúc (kế hoạch nhiệm kỳ, giai đoạn)", required=False)
    title = forms.CharField(
        label="Trích yếu",
        max_length=255,
        help_text="Ví dụ: Phát triển đảng viên năm 2025; Phát triển đảng viên mới nhiệm kỳ 2025 - 2030.",
    )
    parent_plan = PlanChoiceField(
        label="Thực hiện kế hoạch cấp trên",
        queryset=Plan.objects.none(),
        required=False,
        help_text="Chỉ tiêu của kế hoạch mới bắt đầu từ chỉ tiêu cấp trên giao cho tổ chức này.",
    )
    copy_from = PlanChoiceField(
        label="Sao chép từ kế hoạch trước",
        queryset=Plan.objects.none(),
        required=False,
        help_text=(
            "Để trống để bắt đầu từ mẫu với các phần thường có (mục đích, mục tiêu, nhiệm vụ, tổ chức thực hiện)."
        ),
    )

    def __init__(self, *args, parent_plans, copy_sources, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent_plan"].queryset = parent_plans
        self.fields["copy_from"].queryset = copy_sources


class PlanForm(VietnameseFormMixin, forms.Form):
    title = forms.CharField(label="Trích yếu", max_length=255)
    kind = forms.ChoiceField(label="Loại kế hoạch", choices=Plan.Kind.choices)
    start_year = _year_field("Năm (hoặc năm bắt đầu)")
    end_year = _year_field("Năm kết thúc", required=False)
    place = forms.CharField(label="Địa danh", max_length=120, required=False, help_text="Ví dụ: Đơn Dương.")
    issued_on = forms.DateField(label="Ngày ban hành", required=False, widget=DATE_WIDGET)
    legal_bases = forms.CharField(
        label="Căn cứ ban hành",
        required=False,
        widget=TEXTAREA_SMALL,
        help_text="Mỗi văn bản “Thực hiện …”, “Căn cứ …” một dòng.",
    )
    preamble_closing = forms.CharField(label="Câu dẫn", max_length=400, required=False)
    recipients = forms.CharField(
        label="Nơi nhận", required=False, widget=TEXTAREA_SMALL, help_text="Mỗi nơi nhận một dòng, bắt đầu bằng “- ”."
    )
    signer_authority = forms.CharField(label="Thẩm quyền ký", max_length=60, help_text="T/M, K/T, T/L …")
    signer_title = forms.CharField(label="Chức vụ người ký", max_length=80, required=False)
    signer_name = forms.CharField(label="Họ tên người ký", max_length=120, required=False)
    annex_note = forms.CharField(label="Lưu ý dưới phụ lục", required=False, widget=TEXTAREA_SMALL)

    @classmethod
    def initial_from(cls, plan: Plan) -> dict:
        return {name: getattr(plan, name) for name in cls.base_fields}


class SectionForm(VietnameseFormMixin, forms.Form):
    heading = forms.CharField(label="Tiêu đề phần", max_length=255, required=False)
    body = forms.CharField(label="Nội dung", required=False, widget=forms.Textarea(attrs={"rows": 8}))


SectionFormSet = forms.formset_factory(SectionForm, extra=1)


class TargetForm(VietnameseFormMixin, forms.Form):
    metric = forms.ModelChoiceField(label="Chỉ tiêu", queryset=None)
    category = forms.ModelChoiceField(label="Trong đó đối tượng", queryset=None, required=False)
    scope = forms.ChoiceField(label="Áp dụng cho", choices=Target.Scope.choices, initial=Target.Scope.WHOLE)
    kind = forms.ChoiceField(label="Dạng chỉ tiêu", choices=Target.Kind.choices, initial=Target.Kind.ABSOLUTE)
    low = forms.IntegerField(label="Số (hoặc từ)", min_value=0, required=False)
    high = forms.IntegerField(label="Đến (chỉ tiêu dạng khoảng)", min_value=0, required=False)
    rate_percent = forms.DecimalField(
        label="Tỷ lệ (%)", max_digits=5, decimal_places=2, required=False, localize=True, help_text="Ví dụ 4 hoặc 3,5."
    )
    base_as_of = forms.DateField(
        label="Số đảng viên tính đến ngày", required=False, widget=DATE_WIDGET, help_text="Thường là 31/12 năm trước."
    )
    base_members = forms.IntegerField(
        label="Tổng số đảng viên", min_value=0, required=False, help_text="Để trống để lấy từ trang Số đảng viên."
    )
    confirmed = forms.IntegerField(
        label="Số xác nhận (làm tròn)", min_value=0, required=False, help_text="Để trống để làm tròn số tính được."
    )
    year = forms.IntegerField(label="Năm (kế hoạch nhiệm kỳ)", min_value=1990, max_value=2100, required=False)
    each_year = forms.BooleanField(label="Mỗi năm (kế hoạch nhiệm kỳ)", required=False)
    note = forms.CharField(label="Ghi chú", max_length=255, required=False)

    def __init__(self, *args, metrics, categories, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["metric"].queryset = metrics
        self.fields["category"].queryset = categories
        self.fields["rate_percent"].error_messages["invalid"] = "Hãy nhập một số, ví dụ 4 hoặc 3,5."
        if plan.kind == Plan.Kind.ANNUAL:
            del self.fields["year"]
            del self.fields["each_year"]

    @classmethod
    def initial_from(cls, target: Target) -> dict:
        return {name: getattr(target, name) for name in cls.base_fields}


class ColumnForm(VietnameseFormMixin, forms.Form):
    metric = forms.ModelChoiceField(label="Chỉ tiêu", queryset=None)
    category = forms.ModelChoiceField(label="Trong đó đối tượng", queryset=None, required=False)
    year = forms.IntegerField(label="Năm", min_value=1990, max_value=2100, required=False)

    def __init__(self, *args, metrics, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["metric"].queryset = metrics
        self.fields["category"].queryset = categories


class IssueForm(VietnameseFormMixin, forms.Form):
    issued_on = forms.DateField(label="Ngày ban hành", widget=DATE_WIDGET)
    number = forms.IntegerField(
        label="Số văn bản",
        min_value=1,
        required=False,
        help_text="Đề xuất số tiếp theo chưa dùng trong nhiệm kỳ; số đã cấp không bao giờ được dùng lại.",
    )


class ProposalRequestForm(VietnameseFormMixin, forms.Form):
    metric = forms.ModelChoiceField(label="Chỉ tiêu đề nghị đề xuất", queryset=None)
    year = forms.IntegerField(label="Năm (kế hoạch nhiệm kỳ)", min_value=1990, max_value=2100, required=False)
    deadline = forms.DateField(label="Hạn gửi", widget=DATE_WIDGET)
    message = forms.CharField(label="Nội dung đề nghị", required=False, widget=TEXTAREA_SMALL)

    def __init__(self, *args, metrics, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["metric"].queryset = metrics


class ProposalSubmitForm(VietnameseFormMixin, forms.Form):
    proposed = forms.IntegerField(label="Số đề xuất", min_value=0)
    note = forms.CharField(label="Ghi chú, giải trình", required=False, widget=TEXTAREA_SMALL)


class ProposalDecideForm(VietnameseFormMixin, forms.Form):
    decided = forms.IntegerField(label="Số giao", min_value=0, required=False)


class TermForm(VietnameseFormMixin, forms.Form):
    name = forms.CharField(label="Tên nhiệm kỳ", max_length=60, help_text="Ví dụ: nhiệm kỳ 2025-2030.")
    start = forms.DateField(label="Từ ngày", widget=DATE_WIDGET)
    end = forms.DateField(label="Đến ngày", required=False, widget=DATE_WIDGET)


def grid_keep_posted(data, grid) -> None:
    """Put what the user typed back into the grid, so a refused save does not lose their work."""
    for row in grid.rows:
        for cell in row.cells:
            cell.raw = str(data.get(f"q-{row.organization.pk}-{cell.column.key}", ""))
        row.exempt_reason = data.get(f"ex-{row.organization.pk}", row.exempt_reason)


def grid_rows_from_post(data, grid) -> tuple[list, int | None]:
    """The grid's POST (inputs q-<organization>-<column key>, ex-<organization>, revision) as AllocationRows.

    Only the grid's own rows and columns are read; a cell that is not a whole number is a row error.
    """
    from config.errors import ApplicationError

    from .services import AllocationRow

    rows, errors = [], {}
    for row in grid.rows:
        values = {}
        for column in grid.columns:
            raw = str(data.get(f"q-{row.organization.pk}-{column.key}", "")).strip().replace(".", "")
            if raw == "":
                values[column.key] = None
            elif raw.isdigit():
                values[column.key] = int(raw)
            else:
                message = "không được âm" if raw.lstrip("-").isdigit() else "phải là số nguyên"
                errors.setdefault(row.organization.pk, []).append(f"{column.label}: “{raw}” {message}.")
        reason = data.get(f"ex-{row.organization.pk}")
        rows.append(
            AllocationRow(
                organization_id=row.organization.pk,
                values=values,
                exempt_reason=None if reason is None else str(reason),
                number=row.organization.pk,
            )
        )
    if errors:
        raise ApplicationError(f"Có lỗi ở {len(errors)} dòng; chưa có gì được ghi.", errors=errors)
    revision = data.get("revision")
    return rows, int(revision) if str(revision or "").isdigit() else None
