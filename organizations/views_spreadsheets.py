"""Pages to import and export the tree and the member counts as spreadsheets.

Import is two steps: the upload is checked and previewed (nothing written), the file is kept server-side under a
random token recorded in the session with the user and the organization; "Xác nhận nhập" posts the token back,
and the file is read and validated again before everything is written in one transaction, then deleted.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render

from config.errors import ApplicationError
from config.text import fold

from . import selectors
from .access import Action
from .member_count_import import member_count_import_file
from .resources import MEMBER_COUNT_COLUMNS, TREE_COLUMNS, member_counts_export_xlsx, tree_export_xlsx
from .spreadsheets import XLSX_CONTENT_TYPE, UploadForm, pending_save, pending_take, upload_bytes
from .tree_import import tree_import_file


@dataclass(frozen=True)
class ImportPage:
    purpose: str
    url_name: str
    done_url_name: str
    export_url_name: str
    title: str
    columns: tuple[str, ...]
    help: str
    run: Callable


TREE_PAGE = ImportPage(
    purpose="tree",
    url_name="tree_import",
    done_url_name="organization_detail",
    export_url_name="tree_export",
    title="Nhập cây tổ chức từ Excel",
    columns=tuple(TREE_COLUMNS),
    help=(
        "Mỗi dòng là một tổ chức thuộc phạm vi này. Mã đã có thì được cập nhật (đổi mã cấp trên là chuyển tổ chức), "
        "mã mới thì được thêm vào dưới tổ chức cấp trên (đã có, hoặc là một dòng khác trong tệp). "
        "Loại và khối ghi bằng tên hoặc mã. Để trống ký hiệu thì giữ ký hiệu hiện có (tổ chức mới lấy theo loại)."
    ),
    run=tree_import_file,
)
MEMBER_COUNTS_PAGE = ImportPage(
    purpose="member_counts",
    url_name="member_counts_import",
    done_url_name="member_counts",
    export_url_name="member_counts_export",
    title="Nhập số đảng viên từ Excel",
    columns=tuple(MEMBER_COUNT_COLUMNS),
    help=(
        "Mỗi dòng là số đảng viên của một tổ chức thuộc phạm vi này tại một ngày (dd/mm/yyyy). "
        "Nếu đã có số liệu của tổ chức tại ngày đó thì số liệu được sửa lại theo tệp."
    ),
    run=member_count_import_file,
)


def _import_page(request, organization, page: ImportPage):
    if request.method == "POST" and "token" in request.POST:
        return _confirm(request, organization, page)
    form = UploadForm(request.POST or None, request.FILES or None)
    context = {"organization": organization, "page": page, "form": form}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            data = upload_bytes(upload)
            result = page.run(actor=request.user, at=organization, source=data, filename=upload.name, dry_run=True)
        except ApplicationError as error:
            context["file_error"] = error.message
        else:
            if result.is_valid:
                context["token"] = pending_save(
                    request, purpose=page.purpose, organization=organization, data=data, filename=upload.name
                )
            context.update(result=result, filename=upload.name, form=UploadForm())
            return render(request, "organizations/import_preview.html", context)
    return render(request, "organizations/import_upload.html", context)


def _confirm(request, organization, page: ImportPage):
    try:
        data, name = pending_take(request, purpose=page.purpose, organization=organization, token=request.POST["token"])
        if "cancel" in request.POST:
            messages.info(request, "Đã hủy, không có gì được ghi.")
            return redirect(page.url_name, pk=organization.pk)
        result = page.run(actor=request.user, at=organization, source=data, filename=name, dry_run=False)
    except ApplicationError as error:
        details = [f"Dòng {n}: {'; '.join(texts)}" for n, texts in error.errors.items() if n is not None][:5]
        messages.error(request, " ".join([error.message, *details]))
        return redirect(page.url_name, pk=organization.pk)
    messages.success(request, f"Đã nhập “{name}”: {result.summary()}.")
    return redirect(page.done_url_name, pk=organization.pk)


def _xlsx_response(content: bytes, stem: str, organization) -> HttpResponse:
    code = re.sub(r"[^a-z0-9]+", "-", fold(organization.code)).strip("-") or str(organization.pk)
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{stem}-{code}.xlsx"'
    return response


@login_required
def tree_import(request, pk):
    organization = selectors.organization_get(user=request.user, pk=pk, action=Action.MANAGE_TREE)
    return _import_page(request, organization, TREE_PAGE)


@login_required
def member_counts_import(request, pk):
    organization = selectors.organization_get(user=request.user, pk=pk, action=Action.MANAGE_MEMBER_COUNTS)
    return _import_page(request, organization, MEMBER_COUNTS_PAGE)


@login_required
def tree_export(request, pk):
    organization = selectors.organization_get(user=request.user, pk=pk, action=Action.VIEW)
    return _xlsx_response(tree_export_xlsx(at=organization), "cay-to-chuc", organization)


@login_required
def member_counts_export(request, pk):
    organization = selectors.organization_get(user=request.user, pk=pk, action=Action.VIEW)
    return _xlsx_response(member_counts_export_xlsx(at=organization), "so-dang-vien", organization)
