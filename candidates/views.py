"""Candidate pages: bind a form, call one selector or service, render. Scope comes from the selectors (404 outside
the user's subtree, 403 for an action the role may not do). Sensitive fields are never in URLs: the reveal and the
sensitive export are POSTs, and views that receive them are marked so error reports filter them out."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from config.errors import ApplicationError
from organizations.access import Action
from organizations.selectors import organization_get
from organizations.spreadsheets import XLSX_CONTENT_TYPE, UploadForm, pending_save, pending_take, upload_bytes

from . import imports, selectors, services
from .forms import (
    CandidateForm,
    CorrectionForm,
    EnrolForm,
    HolidayForm,
    PersonForm,
    ResultFormSet,
    SearchForm,
    TrainingClassForm,
    TransferForm,
    step_form_class,
)
from .models import SENSITIVE_FIELDS, Candidate, Holiday, SensitiveAccess
from .stages import STEP_BY_CODE, step_refusal

SENSITIVE = sensitive_post_parameters(*SENSITIVE_FIELDS)


def _show_errors(form, error: ApplicationError) -> None:
    form.add_error(None, error.message)
    for name, texts in error.errors.items():
        for text in texts:
            form.add_error(name if name in form.fields else None, text)


def _xlsx(content: bytes, stem: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{stem}-{timezone.localdate():%Y%m%d}.xlsx"'
    return response


# --- lists ----------------------------------------------------------------------------------------------------


@login_required
def candidate_list(request, org_pk):
    organization = organization_get(user=request.user, pk=org_pk)
    form = SearchForm(request.GET or None, categories=services.categories_for(organization))
    filters = selectors.ListFilters()
    if form.is_valid():
        text = form.cleaned_data["q"]
        if any(ch.isdigit() for ch in text):
            messages.warning(request, "Chỉ tìm theo họ tên; không nhập số định danh hay số điện thoại vào ô tìm.")
            text = ""
        category = form.cleaned_data["category"]
        filters = selectors.ListFilters(text=text, stage=form.cleaned_data["stage"], category=category and category.pk)
    rows = selectors.candidate_list(user=request.user, organization=organization, filters=filters)
    page = Paginator(rows, 50).get_page(request.GET.get("trang"))
    context = {"organization": organization, "form": form, "page": page, "show_org": not organization.kind.is_cell}
    context["today"] = timezone.localdate()
    context["can_manage"] = request.access.can(Action.MANAGE_CANDIDATES, organization)
    template = "candidates/_list_rows.html" if request.htmx else "candidates/candidate_list.html"
    return render(request, template, context)


@login_required
def candidate_board(request, org_pk):
    organization = organization_get(user=request.user, pk=org_pk)
    columns = selectors.candidate_board(user=request.user, organization=organization)
    return render(request, "candidates/candidate_board.html", {"organization": organization, "columns": columns})


@login_required
def due_list(request, org_pk):
    organization = organization_get(user=request.user, pk=org_pk)
    today = timezone.localdate()
    rows = selectors.candidate_due_list(user=request.user, organization=organization, today=today)
    context = {"organization": organization, "rows": rows, "today": today, "labels": selectors.DUE_LABELS}
    context["show_org"] = not organization.kind.is_cell
    return render(request, "candidates/due_list.html", context)


# --- one candidate --------------------------------------------------------------------------------------------


def _detail_context(request, candidate: Candidate, *, revealed: bool = False) -> dict:
    can_manage = request.access.can(Action.MANAGE_CANDIDATES, candidate.organization)
    return {
        "candidate": candidate,
        "timeline": selectors.candidate_timeline(candidate),
        "people": selectors.candidate_people(candidate),
        "deadlines": selectors.candidate_deadlines(candidate),
        "steps": selectors.candidate_next_steps(candidate) if can_manage else [],
        "enrolments": selectors.candidate_enrolments(candidate),
        "can_manage": can_manage,
        "can_sensitive": request.access.can(Action.VIEW_SENSITIVE, candidate.organization),
        "revealed": revealed,
        "today": timezone.localdate(),
    }


@login_required
def candidate_detail(request, pk):
    candidate = selectors.candidate_get(user=request.user, pk=pk)
    return render(request, "candidates/candidate_detail.html", _detail_context(request, candidate))


@login_required
@require_POST
def candidate_sensitive(request, pk):
    candidate = selectors.candidate_get(user=request.user, pk=pk, action=Action.VIEW_SENSITIVE)
    services.sensitive_reveal(user=request.user, candidate=candidate)
    if request.htmx:
        return render(request, "candidates/_sensitive.html", {"candidate": candidate, "revealed": True})
    return render(request, "candidates/candidate_detail.html", _detail_context(request, candidate, revealed=True))


@SENSITIVE
@login_required
def candidate_add(request, org_pk):
    organization = organization_get(user=request.user, pk=org_pk, action=Action.MANAGE_CANDIDATES)
    is_cell = organization.kind.is_cell
    cells = None if is_cell else selectors.cells_for_new_candidate(user=request.user, organization=organization)
    categories = services.categories_for(organization)
    with_sensitive = request.access.can(Action.VIEW_SENSITIVE, organization)
    form = CandidateForm(
        request.POST or None, categories=categories, with_sensitive=with_sensitive, cells=cells, new=True
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            candidate = services.candidate_create(
                actor=request.user,
                organization=organization if is_cell else data["cell"],
                categories=data["categories"],
                listed_on=data["listed_on"],
                **form.person_values(),
            )
        except ApplicationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, f"Đã thêm “{candidate.full_name}” vào nguồn.")
            return redirect("candidate_detail", pk=candidate.pk)
    context = {"organization": organization, "form": form, "title": "Thêm quần chúng vào nguồn"}
    return render(request, "candidates/candidate_form.html", context)


@SENSITIVE
@login_required
def candidate_edit(request, pk):
    candidate = selectors.candidate_get(user=request.user, pk=pk, action=Action.MANAGE_CANDIDATES)
    with_sensitive = request.access.can(Action.VIEW_SENSITIVE, candidate.organization)
    initial = CandidateForm.initial_from(candidate, with_sensitive=with_sensitive)
    categories = services.categories_for(candidate.organization)
    form = CandidateForm(request.POST or None, initial=initial, categories=categories, with_sensitive=with_sensitive)
    if request.method == "POST" and form.is_valid():
        try:
            services.candidate_update(
                actor=request.user,
                candidate=candidate,
                expected_version=form.cleaned_data["version"] or 0,
                categories=form.cleaned_data["categories"],
                **form.person_values(),
            )
        except ApplicationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, "Đã lưu thông tin.")
            return redirect("candidate_detail", pk=candidate.pk)
    elif with_sensitive and request.method == "GET":
        services.sensitive_access_log(user=request.user, candidates=[candidate], what=SensitiveAccess.What.EDIT)
    context = {"candidate": candidate, "organization": candidate.organization, "form": form}
    return render(request, "candidates/candidate_form.html", {**context, "title": f"Sửa thông tin {candidate}"})


def _step_initial(candidate: Candidate, step) -> dict:
    """Prefill what is already known (a certificate recorded earlier, the cell's member count)."""
    initial = {"version": candidate.version}
    for spec in step.fields:
        if spec.stored and getattr(candidate, spec.name, None) not in (None, "", False):
            initial[spec.name] = getattr(candidate, spec.name)
    if step.code == "recognition" and candidate.cell_members_counted:
        initial.setdefault("recognition_members_counted", candidate.cell_members_counted)
    return initial


@login_required
def candidate_step(request, pk, code):
    candidate = selectors.candidate_get(user=request.user, pk=pk, action=Action.MANAGE_CANDIDATES)
    step = STEP_BY_CODE.get(code) or _not_found()
    form = step_form_class(step)(request.POST or None, initial=_step_initial(candidate, step))
    refusal = None if candidate.stage in step.sources else step_refusal(step, candidate.stage)
    if request.method == "POST" and form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            result = services.candidate_advance(
                actor=request.user,
                candidate=candidate,
                step_code=code,
                values=values,
                expected_version=form.cleaned_data["version"],
            )
        except ApplicationError as error:
            _show_errors(form, error)
        else:
            for warning in result.warnings:
                messages.warning(request, warning)
            messages.success(request, f"Đã ghi: {step.label}.")
            return redirect("candidate_detail", pk=candidate.pk)
    context = {"candidate": candidate, "step": step, "form": form, "refusal": refusal}
    return render(request, "candidates/candidate_step.html", context)


def _not_found():
    raise Http404("Không có bước này.")


@login_required
def candidate_correct(request, pk):
    candidate = selectors.candidate_get(user=request.user, pk=pk, action=Action.MANAGE_CANDIDATES)
    form = CorrectionForm(request.POST or None, initial={"version": candidate.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.candidate_correct(
                actor=request.user,
                candidate=candidate,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
        except ApplicationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, "Đã đính chính: bước gần nhất được hủy và ghi vào nhật ký.")
            return redirect("candidate_detail", pk=candidate.pk)
    last = candidate.events.filter(voided=False, kind__in=services.UNDOABLE).order_by("-id").first()
    return render(request, "candidates/candidate_correct.html", {"candidate": candidate, "form": form, "last": last})


@login_required
def candidate_transfer(request, pk):
    candidate = selectors.candidate_get(user=request.user, pk=pk, action=Action.MANAGE_CANDIDATES)
    form = TransferForm(request.POST or None, initial={"version": candidate.version})
    if request.method == "POST" and form.is_valid():
        target = selectors.transfer_target(user=request.user, candidate=candidate, code=form.cleaned_data["cell_code"])
        try:
            if target is None:
                raise ApplicationError("Không tìm thấy chi bộ có mã này trong đảng bộ.")
            data = form.cleaned_data
            services.candidate_transfer(
                actor=request.user,
                candidate=candidate,
                to_organization=target,
                on=data["on"],
                note=data["note"],
                expected_version=data["version"],
            )
        except ApplicationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, f"Đã chuyển “{candidate.full_name}” sang “{target.name}”.")
            return redirect("candidate_list", org_pk=candidate.organization_id)
    return render(request, "candidates/candidate_transfer.html", {"candidate": candidate, "form": form})


@login_required
def candidate_person_add(request, pk):
    candidate = selectors.candidate_get(user=request.user, pk=pk, action=Action.MANAGE_CANDIDATES)
    form = PersonForm(request.POST or None, initial={"role": "introducer"})
    if request.method == "POST" and form.is_valid():
        try:
            services.candidate_person_add(actor=request.user, candidate=candidate, **form.cleaned_data)
        except ApplicationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, "Đã ghi người giúp đỡ, giới thiệu.")
            return redirect("candidate_detail", pk=candidate.pk)
    return render(request, "candidates/candidate_person.html", {"candidate": candidate, "form": form})


@login_required
@require_POST
def candidate_person_end(request, pk, person_pk):
    candidate = selectors.candidate_get(user=request.user, pk=pk, action=Action.MANAGE_CANDIDATES)
    person = get_object_or_404(candidate.people, pk=person_pk)
    try:
        services.candidate_person_end(actor=request.user, person=person, reason=request.POST.get("reason", ""))
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Đã ghi đồng chí {person.full_name} thôi giúp đỡ, giới thiệu.")
    return redirect("candidate_detail", pk=candidate.pk)


@login_required
def candidate_history(request, pk):
    candidate = selectors.candidate_get(user=request.user, pk=pk)
    rows = selectors.candidate_history(user=request.user, candidate=candidate)
    return render(request, "candidates/candidate_history.html", {"candidate": candidate, "rows": rows})


# --- spreadsheets ---------------------------------------------------------------------------------------------


def _import_flow(request, *, organization, purpose: str, run, back: str, context: dict):
    """Upload → preview (nothing written) → confirm with a server-side token → write all or nothing."""
    if request.method == "POST" and "token" in request.POST:
        try:
            data, name = pending_take(request, purpose=purpose, organization=organization, token=request.POST["token"])
            if "cancel" in request.POST:
                messages.info(request, "Đã hủy, không có gì được ghi.")
                return redirect(back)
            result = run(source=data, filename=name, dry_run=False)
            result.raise_if_invalid()
        except ApplicationError as error:
            messages.error(request, error.message)
            return redirect(request.path)
        messages.success(request, f"Đã nhập “{name}”: {result.summary()}.")
        return redirect(back)
    form = UploadForm(request.POST or None, request.FILES or None)
    context = {**context, "form": form, "organization": organization}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            data = upload_bytes(upload)
            result = run(source=data, filename=upload.name, dry_run=True)
        except ApplicationError as error:
            context["file_error"] = error.message
        else:
            if result.is_valid:
                context["token"] = pending_save(
                    request, purpose=purpose, organization=organization, data=data, filename=upload.name
                )
            errors = [row for row in result.rows if row.errors]
            context.update(result=result, filename=upload.name, error_rows=errors[:200], first_rows=result.rows[:50])
            return render(request, "candidates/import_preview.html", context)
    return render(request, "candidates/import_upload.html", context)


@SENSITIVE
@login_required
def candidate_import(request, org_pk):
    organization = organization_get(user=request.user, pk=org_pk, action=Action.MANAGE_CANDIDATES)

    def run(**kwargs):
        return imports.candidates_import_file(actor=request.user, at=organization, **kwargs)

    context = {"title": "Nhập danh sách quần chúng từ Excel", "columns": list(imports.CANDIDATE_COLUMNS)}
    context["required"] = imports.CANDIDATE_REQUIRED
    back = reverse("candidate_list", args=[organization.pk])
    return _import_flow(request, organization=organization, purpose="candidates", run=run, back=back, context=context)


@login_required
def candidate_export(request, org_pk):
    organization = organization_get(user=request.user, pk=org_pk)
    with_sensitive = request.method == "POST" and request.POST.get("nhay_cam") == "1"
    if with_sensitive:
        request.access.require(Action.VIEW_SENSITIVE, organization)
    queryset = selectors.candidates_for_export(user=request.user, organization=organization)
    content = imports.candidates_export_xlsx(queryset=queryset, user=request.user, with_sensitive=with_sensitive)
    return _xlsx(content, "quan-chung")


# --- holidays -------------------------------------------------------------------------------------------------


@login_required
def due_holidays(request, org_pk):
    organization = organization_get(user=request.user, pk=org_pk)
    year = request.GET.get("nam", "")
    year = int(year) if year.isdigit() and 2000 <= int(year) <= 2100 else timezone.localdate().year
    form = HolidayForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.holiday_add(actor=request.user, organization=organization, **form.cleaned_data)
        except ApplicationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, "Đã thêm vào lịch ngày nghỉ; các hạn đã được tính lại.")
            return redirect("due_holidays", org_pk=organization.pk)
    rows = selectors.holidays_of(user=request.user, organization=organization, year=year)
    can_edit = request.access.can(Action.MANAGE_TREE, organization)
    context = {"organization": organization, "rows": rows, "year": year, "form": form, "can_edit": can_edit}
    return render(request, "candidates/holidays.html", context)


@login_required
@require_POST
def due_holiday_delete(request, org_pk, pk):
    organization = organization_get(user=request.user, pk=org_pk)
    holiday = get_object_or_404(Holiday, pk=pk, tenant_id=organization.tenant_id)
    try:
        services.holiday_delete(actor=request.user, organization=organization, holiday=holiday)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Đã xóa ngày khỏi lịch của đảng bộ.")
    return redirect("due_holidays", org_pk=organization.pk)


# --- classes --------------------------------------------------------------------------------------------------


@login_required
def class_list(request, org_pk):
    organization = organization_get(user=request.user, pk=org_pk)
    classes = selectors.class_list(user=request.user, organization=organization)
    can_add = request.access.can(Action.MANAGE_CANDIDATES, organization)
    return render(
        request, "candidates/class_list.html", {"organization": organization, "classes": classes, "can_add": can_add}
    )


def _class_form(request, organization, training_class=None):
    form = TrainingClassForm(request.POST or None, instance=training_class)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.training_class_save(
                actor=request.user, organization=organization, training_class=training_class, **form.cleaned_data
            )
        except ApplicationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, f"Đã lưu lớp “{saved.name}”.")
            return redirect("class_detail", pk=saved.pk)
    context = {"form": form, "organization": organization, "training_class": training_class}
    return render(request, "candidates/class_form.html", context)


@login_required
def class_add(request, org_pk):
    organization = organization_get(user=request.user, pk=org_pk, action=Action.MANAGE_CANDIDATES)
    return _class_form(request, organization)


@login_required
def class_edit(request, pk):
    training_class = selectors.class_get(user=request.user, pk=pk, action=Action.MANAGE_CANDIDATES)
    if not request.access.can(Action.MANAGE_CANDIDATES, training_class.organization):
        raise PermissionDenied("Chỉ tổ chức mở lớp được sửa thông tin lớp.")
    return _class_form(request, training_class.organization, training_class)


@login_required
def class_detail(request, pk):
    training_class = selectors.class_get(user=request.user, pk=pk)
    enrolments = selectors.class_enrolments(user=request.user, training_class=training_class)
    context = {"training_class": training_class, "enrolments": enrolments}
    context["can_manage"] = bool(request.access.paths(Action.MANAGE_CANDIDATES))
    context["can_edit"] = request.access.can(Action.MANAGE_CANDIDATES, training_class.organization)
    return render(request, "candidates/class_detail.html", context)


@login_required
def class_enrol(request, pk):
    training_class = selectors.class_get(user=request.user, pk=pk, action=Action.MANAGE_CANDIDATES)
    text = request.GET.get("q", "") if not any(ch.isdigit() for ch in request.GET.get("q", "")) else ""
    choices = selectors.class_enrol_choices(user=request.user, training_class=training_class, text=text)
    form = EnrolForm(request.POST or None, choices=choices)
    if request.method == "POST" and form.is_valid():
        try:
            added = services.class_enrol(
                actor=request.user, training_class=training_class, candidates=form.cleaned_data["candidates"]
            )
        except ApplicationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, f"Đã ghi danh {added} quần chúng.")
            return redirect("class_detail", pk=training_class.pk)
    return render(request, "candidates/class_enrol.html", {"training_class": training_class, "form": form, "q": text})


@login_required
@require_POST
def class_unenrol(request, pk, enrolment_pk):
    training_class = selectors.class_get(user=request.user, pk=pk, action=Action.MANAGE_CANDIDATES)
    enrolments = selectors.class_enrolments(user=request.user, training_class=training_class)
    enrolment = next((e for e in enrolments if e.pk == enrolment_pk), None) or _not_found()
    try:
        services.class_unenrol(actor=request.user, enrolment=enrolment)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Đã xóa học viên khỏi lớp.")
    return redirect("class_detail", pk=training_class.pk)


@login_required
def class_results(request, pk):
    training_class = selectors.class_get(user=request.user, pk=pk, action=Action.MANAGE_CANDIDATES)
    enrolments = [
        e
        for e in selectors.class_enrolments(user=request.user, training_class=training_class)
        if request.access.can(Action.MANAGE_CANDIDATES, e.candidate.organization)
    ]
    initial = [
        {
            "enrolment": e.pk,
            "result": e.result,
            "certificate_number": e.certificate_number,
            "certificate_on": e.certificate_on or training_class.certificate_on,
        }
        for e in enrolments
    ]
    formset = ResultFormSet(request.POST or None, initial=initial)
    if request.method == "POST" and formset.is_valid():
        by_pk = {e.pk: e for e in enrolments}
        rows = [
            services.ResultRow(by_pk[f["enrolment"]], f["result"], f["certificate_number"], f["certificate_on"])
            for f in formset.cleaned_data
            if f.get("enrolment") in by_pk
        ]
        try:
            counts = services.class_results_record(actor=request.user, training_class=training_class, rows=rows)
        except ApplicationError as error:
            messages.error(
                request, " ".join([error.message, *[f"{k}: {'; '.join(v)}" for k, v in error.errors.items()]])
            )
        else:
            messages.success(request, f"Đã ghi kết quả: {counts['passed']} học viên được cấp giấy chứng nhận.")
            return redirect("class_detail", pk=training_class.pk)
    rows = list(zip(enrolments, formset.forms, strict=False))
    context = {"training_class": training_class, "formset": formset, "rows": rows}
    return render(request, "candidates/class_results.html", context)


@login_required
def class_results_import(request, pk):
    training_class = selectors.class_get(user=request.user, pk=pk, action=Action.MANAGE_CANDIDATES)
    enrolments = selectors.class_enrolments(user=request.user, training_class=training_class)

    def run(**kwargs):
        return imports.class_results_import_file(
            actor=request.user, training_class=training_class, enrolments=enrolments, **kwargs
        )

    context = {"title": f"Nhập kết quả lớp “{training_class.name}”", "columns": list(imports.RESULT_COLUMNS)}
    context.update(required=imports.RESULT_REQUIRED, training_class=training_class)
    purpose = f"class_results:{training_class.pk}"
    back = reverse("class_detail", args=[training_class.pk])
    return _import_flow(
        request, organization=training_class.organization, purpose=purpose, run=run, back=back, context=context
    )


@login_required
def class_results_export(request, pk):
    training_class = selectors.class_get(user=request.user, pk=pk)
    enrolments = selectors.class_enrolments(user=request.user, training_class=training_class)
    return _xlsx(imports.class_results_export_xlsx(enrolments=enrolments), f"ket-qua-lop-{training_class.pk}")
