from django import forms

from organizations.forms import DATE_WIDGET, VietnameseFormMixin


class LetterForm(VietnameseFormMixin, forms.Form):
    number = forms.CharField(label="Số, ký hiệu", max_length=40, help_text="Ví dụ 141-CV/HU.")
    summary = forms.CharField(label="Trích yếu (V/v ...)", max_length=300)
    addressees = forms.CharField(label="Kính gửi", max_length=300)
    body = forms.CharField(label="Nội dung", widget=forms.Textarea(attrs={"rows": 12}), help_text="Mỗi đoạn một dòng.")
    place = forms.CharField(label="Địa danh", max_length=120)
    issued_on = forms.DateField(label="Ngày ban hành", widget=DATE_WIDGET)
    recipients = forms.CharField(
        label="Nơi nhận", widget=forms.Textarea(attrs={"rows": 4}), help_text="Mỗi nơi nhận một dòng."
    )
    authority = forms.CharField(label="Thẩm quyền ký", max_length=120, initial="T/M BAN THƯỜNG VỤ")
    signer_title = forms.CharField(label="Chức vụ người ký", max_length=120, initial="PHÓ BÍ THƯ")
    signer_name = forms.CharField(label="Họ tên người ký", max_length=120)
