from __future__ import annotations

from django import forms

from organizations.forms import DATE_WIDGET, VietnameseFormMixin

from .models import SENSITIVE_FIELDS, Candidate, CandidatePerson, Enrolment, TrainingClass
from .stages import ExitReason, Stage, Step

PERSON_FORM_FIELDS = (
    "full_name",
    "sex",
    "birth_date",
    "education",
    "education_exception",
    "qualification",
    "occupation",
    "workplace",
    "phone",
    "notes",
)


_PERSON_WIDGETS = {
    "birth_date": DATE_WIDGET,
    "notes": forms.Textarea(attrs={"rows": 2}),
    "family_notes": forms.Textarea(attrs={"rows": 3}),
    "phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    "national_id": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    "full_name": forms.TextInput(attrs={"autocomplete": "off"}),
}


class _CandidateFormBase(VietnameseFormMixin, forms.Form):
    """The person. Sensitive fields are kept only for users who may see them (`with_sensitive`).

    A plain form built from the model's fields: the service, not the form, checks uniqueness and scope.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    categories = forms.ModelMultipleChoiceField(
        label="Đối tượng", queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, categories, with_sensitive: bool, cells=None, new: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["categories"].queryset = categories
        self.fields["categories"].help_text = "“Nữ” được đánh dấu theo giới tính."
        if not with_sensitive:
            for name in SENSITIVE_FIELDS:
                del self.fields[name]
        if cells is not None:
            self.fields["cell"] = forms.ModelChoiceField(label="Chi bộ", queryset=cells)
            self.order_fields(["cell"])
        if new:
            self.fields["listed_on"] = forms.DateField(
                label="Ngày đưa vào nguồn",
                required=False,
                widget=DATE_WIDGET,
                help_text="Để trống là hôm nay; ghi ngày cũ khi chép từ sổ theo dõi.",
            )

    def person_values(self) -> dict:
        data = self.cleaned_data
        return {name: data[name] for name in (*PERSON_FORM_FIELDS, *SENSITIVE_FIELDS) if name in self.fields}

    @staticmethod
    def initial_from(candidate: Candidate, *, with_sensitive: bool) -> dict:
        names = (*PERSON_FORM_FIELDS, *(SENSITIVE_FIELDS if with_sensitive else ()))
        initial = {name: getattr(candidate, name) for name in names}
        initial["version"] = candidate.version
        initial["categories"] = list(candidate.categories.values_list("pk", flat=True))
        return initial


CandidateForm = type(
    "CandidateForm",
    (_CandidateFormBase,),
    dict(forms.fields_for_model(Candidate, fields=(*PERSON_FORM_FIELDS, *SENSITIVE_FIELDS), widgets=_PERSON_WIDGETS)),
)


class SearchForm(VietnameseFormMixin, forms.Form):
    q = forms.CharField(label="Tìm theo tên", required=False, max_length=80)
    stage = forms.ChoiceField(label="Giai đoạn", required=False)
    category = forms.ModelChoiceField(label="Đối tượng", queryset=None, required=False, empty_label="Tất cả đối tượng")

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [("", "Đang theo dõi"), *Stage.choices]
        self.fields["category"].queryset = categories
        self.fields["q"].widget.attrs.update({"placeholder": "Họ tên, gõ không dấu cũng được", "type": "search"})


def step_form_class(step: Step) -> type[forms.Form]:
    """A form with the fields a step asks for (candidates.stages), dates as dd/mm/yyyy."""
    attrs: dict = {}
    for spec in step.fields:
        common = {"label": spec.label, "required": spec.required, "help_text": spec.help}
        if spec.type == "date":
            attrs[spec.name] = forms.DateField(widget=DATE_WIDGET, **common)
        elif spec.type == "count":
            attrs[spec.name] = forms.IntegerField(
                min_value=0, max_value=10000, widget=forms.NumberInput(attrs={"inputmode": "numeric"}), **common
            )
        elif spec.type == "bool":
            attrs[spec.name] = forms.BooleanField(**{**common, "required": False})
        elif spec.type == "reason":
            attrs[spec.name] = forms.ChoiceField(choices=[("", "—"), *ExitReason.choices], **common)
        else:
            attrs[spec.name] = forms.CharField(max_length=200, **common)
    attrs["version"] = forms.IntegerField(widget=forms.HiddenInput, required=False)
    return type(f"{step.code.title()}StepForm", (VietnameseFormMixin, forms.Form), attrs)


class CorrectionForm(VietnameseFormMixin, forms.Form):
    reason = forms.CharField(label="Lý do đính chính", max_length=255, widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class TransferForm(VietnameseFormMixin, forms.Form):
    cell_code = forms.CharField(label="Mã chi bộ chuyển đến", max_length=40)
    on = forms.DateField(label="Ngày chuyển", widget=DATE_WIDGET)
    note = forms.CharField(label="Ghi chú (nơi công tác, học tập mới)", max_length=200, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class PersonForm(VietnameseFormMixin, forms.ModelForm):
    class Meta:
        model = CandidatePerson
        fields = ("role", "kind", "full_name", "cell_name", "together_since", "replacement", "document")
        widgets = {"together_since": DATE_WIDGET}


class TrainingClassForm(VietnameseFormMixin, forms.ModelForm):
    class Meta:
        model = TrainingClass
        fields = ("kind", "name", "organizer", "place", "starts_on", "ends_on", "certificate_on", "note")
        widgets = {"starts_on": DATE_WIDGET, "ends_on": DATE_WIDGET, "certificate_on": DATE_WIDGET}


class EnrolForm(VietnameseFormMixin, forms.Form):
    candidates = forms.ModelMultipleChoiceField(
        label="Chọn quần chúng", queryset=None, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["candidates"].queryset = choices
        self.fields["candidates"].label_from_instance = lambda c: f"{c.full_name} · {c.organization.name}"


class ResultForm(VietnameseFormMixin, forms.Form):
    """One learner's line on the results screen."""

    enrolment = forms.IntegerField(widget=forms.HiddenInput)
    result = forms.ChoiceField(label="Kết quả", choices=Enrolment.Result.choices)
    certificate_number = forms.CharField(label="Số giấy chứng nhận", max_length=40, required=False)
    certificate_on = forms.DateField(label="Ngày cấp", required=False, widget=DATE_WIDGET)


ResultFormSet = forms.formset_factory(ResultForm, extra=0)


class HolidayForm(VietnameseFormMixin, forms.Form):
    date = forms.DateField(label="Ngày", widget=DATE_WIDGET)
    name = forms.CharField(label="Tên ngày nghỉ", max_length=160)
    is_working_day = forms.BooleanField(label="Là ngày làm việc (làm bù)", required=False)
    basis = forms.CharField(label="Căn cứ (văn bản)", max_length=200, required=False)
