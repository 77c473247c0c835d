import re

from django import forms
from django.core.exceptions import ValidationError

from .models import Organization, OrganizationKind, Role, Sector

DATE_WIDGET = forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"})


ID_PATTERN = re.compile(r"\d{1,18}")


def _guard_ids(field: forms.ModelChoiceField) -> None:
    """Refuse anything but a plausible id before the database sees it (an id past 64 bits raised OverflowError)."""
    original = field.clean

    def clean(value):
        values = value if isinstance(value, list | tuple) else [value]
        for item in values:
            if item not in (None, "") and not ID_PATTERN.fullmatch(str(item)):
                raise ValidationError("Lựa chọn không hợp lệ.", code="invalid_choice")
        return original(value)

    field.clean = clean


class VietnameseFormMixin:
    """Vietnamese messages for the errors Django raises before our services see the data."""

    default_error_messages = {
        "required": "Trường này là bắt buộc.",
        "invalid": "Giá trị không hợp lệ.",
        "invalid_choice": "Lựa chọn không hợp lệ.",
        "max_length": "Quá dài.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            for key, message in self.default_error_messages.items():
                field.error_messages.setdefault(key, message)
                if key in ("required", "invalid", "invalid_choice"):
                    field.error_messages[key] = message
            if isinstance(field, forms.ModelChoiceField):
                _guard_ids(field)
            if isinstance(field, forms.ModelChoiceField) and field.empty_label == "---------":
                field.empty_label = "— Chọn —" if field.required else "— Không chọn —"
            if isinstance(field, forms.DateField):
                field.error_messages["invalid"] = "Ngày không hợp lệ, hãy nhập theo dạng dd/mm/yyyy (ví dụ 15/01/2025)."
            if isinstance(field, forms.IntegerField):
                field.error_messages["invalid"] = "Hãy nhập một số nguyên."
                field.error_messages["min_value"] = "Giá trị phải từ %(limit_value)s trở lên."


class OrganizationForm(VietnameseFormMixin, forms.Form):
    name = forms.CharField(label="Tên tổ chức", max_length=255)
    short_name = forms.CharField(label="Tên viết tắt", max_length=120, required=False)
    code = forms.CharField(label="Mã", max_length=40, help_text="Mã duy nhất trong đảng bộ, dùng khi nhập bảng tính.")
    kind = forms.ModelChoiceField(label="Loại tổ chức", queryset=OrganizationKind.objects.none())
    sector = forms.ModelChoiceField(label="Khối", queryset=Sector.objects.none(), required=False)
    issuer_code = forms.CharField(
        label="Ký hiệu cơ quan ban hành",
        max_length=20,
        required=False,
        help_text="Ví dụ HU, ĐU, ĐUK, TU, CB.",
    )
    place_name = forms.CharField(label="Địa danh trên văn bản", max_length=120, required=False)
    valid_from = forms.DateField(label="Hiệu lực từ ngày", required=False, widget=DATE_WIDGET)

    def __init__(self, *args, kinds, sectors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].queryset = kinds
        self.fields["sector"].queryset = sectors

    @classmethod
    def initial_from(cls, organization: Organization) -> dict:
        return {field: getattr(organization, field) for field in cls.base_fields}


class MoveForm(VietnameseFormMixin, forms.Form):
    new_parent_code = forms.CharField(label="Mã tổ chức cấp trên mới", max_length=40)


class DissolveForm(VietnameseFormMixin, forms.Form):
    on = forms.DateField(label="Ngày giải thể / sáp nhập", widget=DATE_WIDGET)
    successor_code = forms.CharField(
        label="Mã tổ chức kế thừa (nếu sáp nhập)",
        max_length=40,
        required=False,
        help_text="Các tổ chức trực thuộc sẽ được chuyển sang tổ chức kế thừa.",
    )
    reason = forms.CharField(label="Lý do / căn cứ quyết định", max_length=255, required=False)


class RoleGrantForm(VietnameseFormMixin, forms.Form):
    username = forms.CharField(label="Tên đăng nhập", max_length=150)
    full_name = forms.CharField(label="Họ và tên (tài khoản mới)", max_length=150, required=False)
    password = forms.CharField(
        label="Mật khẩu ban đầu (tài khoản mới)",
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )
    role = forms.ChoiceField(label="Vai trò", choices=Role.choices)


class MemberCountForm(VietnameseFormMixin, forms.Form):
    as_of = forms.DateField(label="Tính đến ngày", widget=DATE_WIDGET)
    members = forms.IntegerField(label="Tổng số đảng viên", min_value=0)
    probationary = forms.IntegerField(label="Trong đó dự bị", min_value=0, required=False)
    note = forms.CharField(label="Ghi chú", max_length=255, required=False)
