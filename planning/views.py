"""Pages of planning: thin views that bind a form, call one service or selector and render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from config.errors import ApplicationError
from organizations.access import Action
from organizations.selectors import organization_get
from organizations.spreadsheets import XLSX_CONTENT_TYPE, UploadForm, pending_save, pending_take, upload_bytes

from . import selectors, services
from .forms import (
    ColumnForm,
    IssueForm,
    PlanCreateForm,
    PlanForm,
    ProposalDecideForm,
    ProposalRequestForm,
    ProposalSubmitForm,
    SectionFormSet,
    TargetForm,
    TermForm,
    grid_keep_posted,
    grid_rows_from_post,
)

IMPORT_PURPOSE = "allocations"


def _show_errors(form, error: ApplicationError) -> None:
    form.add_error(None, error.message)
    for name, field_errors in error.errors.items():
        for message in field_errors:
            form.add_error(name if name in form.fields else None, message)


def _plan_page(request, template: str, plan, **context):
    context.setdefault("plan", plan)
    context.setdefault("can_edit", request.access.can(Action.EDIT_PLANS, plan.issuer) and not plan.limited)
    return render(request, template, context)


@login_required
def plan_home(request):
    if request.organization:
        return redirect("plan_list", pk=request.organization.pk)
    return redirect("home")


@login_required
def plan_list(request, pk):
    organization = organization_get(user=request.user, pk=pk)
    lists = selectors.plans_of(user=request.user, organization=organization)
    can_edit = request.access.can(Action.EDIT_PLANS, organization)
    context = {"organization": organization, "lists": lists, "can_edit": can_edit}
    return render(request, "planning/plan_list.html", context)


@login_required
def plan_create(request, pk):
    issuer = organization_get(user=request.user, pk=pk, action=Action.EDIT_PLANS)
    form = PlanCreateForm(
        request.POST or None,
        parent_plans=selectors.parent_plan_choices(user=request.user, issuer=issuer),
        copy_sources=selectors.copy_source_choices(user=request.user, issuer=issuer),
    )
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(actor=request.user, issuer=issuer, **form.cleaned_data)
        except ApplicationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, "Đã tạo dự thảo kế hoạch.")
            return redirect("plan_detail", pk=plan.pk)
    return render(request, "planning/plan_create.html", {"organization": issuer, "form": form})


@login_required
def plan_detail(request, pk):
    plan = selectors.plan_get(user=request.user, pk=pk)
    context = {
        "targets": selectors.plan_targets(user=request.user, plan=plan),
        "sections": selectors.plan_sections(user=request.user, plan=plan),
        "annex": selectors.annex_rows(user=request.user, plan=plan),
        "checks": selectors.plan_checks(user=request.user, plan=plan),
        "number_preview": selectors.document_number_preview(plan=plan),
        "superior": selectors.plan_superior_name(plan=plan),
    }
    return _plan_page(request, "planning/plan_detail.html", plan, **context)


@login_required
def plan_edit(request, pk):
    plan = selectors.plan_get(user=request.user, pk=pk, action=Action.EDIT_PLANS)
    form = PlanForm(request.POST or None, initial=PlanForm.initial_from(plan))
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_update(actor=request.user, plan=plan, **form.cleaned_data)
        except ApplicationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, "Đã lưu thông tin chung.")
            return redirect("plan_detail", pk=plan.pk)
    return _plan_page(request, "planning/plan_edit.html", plan, form=form)


@login_required
def plan_sections(request, pk):
    plan = selectors.plan_get(user=request.user, pk=pk, action=Action.EDIT_PLANS)
    initial = [{"heading": s.heading, "body": s.body} for s in selectors.plan_sections(user=request.user, plan=plan)]
    formset = SectionFormSet(request.POST or None, initial=initial, prefix="s")
    if request.method == "POST" and formset.is_valid():
        try:
            services.plan_sections_save(actor=request.user, plan=plan, sections=[f.cleaned_data for f in formset])
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "Đã lưu nội dung kế hoạch.")
            return redirect("plan_detail", pk=plan.pk)
    return _plan_page(request, "planning/plan_sections.html", plan, formset=formset)


def _target_form(request, plan, **kwargs):
    return TargetForm(
        request.POST or None,
        metrics=selectors.metrics_for(organization=plan.issuer),
        categories=selectors.categories_for(organization=plan.issuer),
        plan=plan,
        **kwargs,
    )


@login_required
def plan_targets(request, pk):
    plan = selectors.plan_get(user=request.user, pk=pk, action=Action.EDIT_PLANS)
    form = _target_form(request, plan)
    if request.method == "POST" and form.is_valid():
        try:
            services.target_add(actor=request.user, plan=plan, **form.cleaned_data)
        except ApplicationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, "Đã thêm chỉ tiêu.")
            return redirect("plan_targets", pk=plan.pk)
    targets = selectors.plan_targets(user=request.user, plan=plan)
    return _plan_page(request, "planning/plan_targets.html", plan, form=form, targets=targets)


@login_required
def plan_target_edit(request, pk):
    target = selectors.target_get(user=request.user, pk=pk)
    form = _target_form(request, target.plan, initial=TargetForm.initial_from(target))
    if request.method == "POST" and form.is_valid():
        try:
            services.target_update(actor=request.user, target=target, **form.cleaned_data)
        except ApplicationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, "Đã sửa chỉ tiêu.")
            return redirect("plan_targets", pk=target.plan_id)
    return _plan_page(request, "planning/target_edit.html", target.plan, form=form, target=target)


@login_required
@require_POST
def plan_target_delete(request, pk):
    target = selectors.target_get(user=request.user, pk=pk)
    try:
        services.target_remove(actor=request.user, target=target)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Đã xóa chỉ tiêu.")
    return redirect("plan_targets", pk=target.plan_id)


@login_required
def allocation_grid(request, pk):
    plan = selectors.plan_get(user=request.user, pk=pk, action=Action.EDIT_PLANS, allow_limited=False)
    grid = selectors.allocation_grid(user=request.user, plan=plan)
    if request.method == "POST":
        try:
            rows, revision = grid_rows_from_post(request.POST, grid)
            result = services.allocations_save(actor=request.user, plan=plan, rows=rows, revision=revision)
        except ApplicationError as error:
            messages.error(request, error.message)
            grid_keep_posted(request.POST, grid)
            for row in grid.rows:
                row.errors = error.errors.get(row.organization.pk, [])
        else:
            messages.success(request, f"Đã lưu bảng phân bổ ({result['changed']} ô thay đổi).")
            return redirect("allocation_grid", pk=plan.pk)
    column_form = ColumnForm(
        metrics=selectors.metrics_for(organization=plan.issuer),
        categories=selectors.categories_for(organization=plan.issuer),
    )
    context = {"grid": grid, "column_form": column_form}
    context["checks"] = selectors.plan_checks(user=request.user, plan=plan, grid=grid)
    return _plan_page(request, "planning/allocation_grid.html", plan, **context)


@login_required
@require_POST
def allocation_column_add(request, pk):
    plan = selectors.plan_get(user=request.user, pk=pk, action=Action.EDIT_PLANS, allow_limited=False)
    form = ColumnForm(
        request.POST,
        metrics=selectors.metrics_for(organization=plan.issuer),
        categories=selectors.categories_for(organization=plan.issuer),
    )
    try:
        if not form.is_valid():
            raise ApplicationError("Hãy chọn chỉ tiêu cho cột mới.")
        services.allocation_column_add(actor=request.user, plan=plan, **form.cleaned_data)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Đã thêm cột.")
    return redirect("allocation_grid", pk=plan.pk)


@login_required
def allocation_export(request, pk):
    plan = selectors.plan_get(user=request.user, pk=pk, allow_limited=False)
    content = selectors.allocations_export(user=request.user, plan=plan)
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="phan-bo-chi-tieu-{plan.pk}.xlsx"'
    return response


@login_required
def allocation_import(request, pk):
    plan = selectors.plan_get(user=request.user, pk=pk, action=Action.EDIT_PLANS, allow_limited=False)
    form = UploadForm(request.POST or None, request.FILES or None)
    context: dict = {"form": form}
    try:
        if request.method == "POST" and request.POST.get("token"):
            data, name = pending_take(request, purpose=IMPORT_PURPOSE, organization=plan, token=request.POST["token"])
            services.allocations_import(actor=request.user, plan=plan, data=data, filename=name, dry_run=False)
            messages.success(request, "Đã nhập bảng phân bổ.")
            return redirect("allocation_grid", pk=plan.pk)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            data = upload_bytes(upload)
            result = services.allocations_import(
                actor=request.user, plan=plan, data=data, filename=upload.name, dry_run=True
            )
            context["result"] = result
            if result.is_valid:
                context["token"] = pending_save(
                    request, purpose=IMPORT_PURPOSE, organization=plan, data=data, filename=upload.name
                )
    except ApplicationError as error:
        context["file_error"] = error.message
        context["row_errors"] = [f"Dòng {n}: {m}" for n, ms in error.errors.items() if n for m in ms]
    return _plan_page(request, "planning/allocation_import.html", plan, **context)


@login_required
def plan_issue(request, pk):
    plan = selectors.plan_get(user=request.user, pk=pk, action=Action.EDIT_PLANS, allow_limited=False)
    proposal = selectors.document_number_preview(plan=plan)
    form = IssueForm(request.POST or None, initial={"issued_on": plan.issued_on})
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_issue(actor=request.user, plan=plan, **form.cleaned_data)
        except ApplicationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, f"Đã ban hành Kế hoạch số {plan.number.text}.")
            return redirect("plan_detail", pk=plan.pk)
    return _plan_page(request, "planning/plan_issue.html", plan, form=form, number_preview=proposal)


@login_required
@require_POST
def plan_amend(request, pk):
    plan = selectors.plan_get(user=request.user, pk=pk, action=Action.EDIT_PLANS, allow_limited=False)
    try:
        amended = services.plan_amend(actor=request.user, plan=plan)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("plan_detail", pk=plan.pk)
    messages.success(request, "Đã tạo bản sửa đổi; bản đã ban hành được giữ nguyên đến khi bản mới ban hành.")
    return redirect("plan_detail", pk=amended.pk)


@login_required
def plan_history(request, pk):
    plan = selectors.plan_get(user=request.user, pk=pk, allow_limited=False)
    events = selectors.plan_history(user=request.user, plan=plan)
    return _plan_page(request, "planning/plan_history.html", plan, events=events)


@login_required
def proposal_list(request, pk):
    plan = selectors.plan_get(user=request.user, pk=pk, allow_limited=False)
    requests = selectors.proposal_requests_of(user=request.user, plan=plan)
    return _plan_page(request, "planning/proposal_list.html", plan, requests=requests)


@login_required
def proposal_request_create(request, pk):
    plan = selectors.plan_get(user=request.user, pk=pk, action=Action.EDIT_PLANS, allow_limited=False)
    form = ProposalRequestForm(request.POST or None, metrics=selectors.metrics_for(organization=plan.issuer))
    if request.method == "POST" and form.is_valid():
        try:
            services.proposal_request_create(actor=request.user, plan=plan, **form.cleaned_data)
        except ApplicationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, "Đã gửi đề nghị tới các tổ chức trực thuộc.")
            return redirect("proposal_list", pk=plan.pk)
    return _plan_page(request, "planning/proposal_request_form.html", plan, form=form)


@login_required
def proposal_submit(request, pk):
    proposal = selectors.proposal_get(user=request.user, pk=pk, action=Action.EDIT_PLANS)
    initial = {"proposed": proposal.proposed, "note": proposal.note}
    form = ProposalSubmitForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.proposal_submit(actor=request.user, proposal=proposal, **form.cleaned_data)
        except ApplicationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, "Đã gửi đề xuất lên cấp trên.")
            return redirect("plan_list", pk=proposal.organization_id)
    return render(request, "planning/proposal_submit.html", {"proposal": proposal, "form": form})


@login_required
@require_POST
def proposal_decide(request, pk):
    proposal = selectors.proposal_get(user=request.user, pk=pk, action=Action.EDIT_PLANS, as_committee=True)
    form = ProposalDecideForm(request.POST)
    try:
        if not form.is_valid():
            raise ApplicationError("Số giao phải là số nguyên không âm.")
        services.proposal_decide(actor=request.user, proposal=proposal, decided=form.cleaned_data["decided"])
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Đã chốt chỉ tiêu cho {proposal.organization.name}.")
    return redirect("proposal_list", pk=proposal.request.plan_id)


@login_required
@require_POST
def proposal_accept_all(request, pk):
    proposal_request = selectors.proposal_request_get(user=request.user, pk=pk, action=Action.EDIT_PLANS)
    try:
        count = services.proposals_accept_all(actor=request.user, request=proposal_request)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Đã chấp nhận {count} đề xuất và ghi vào bảng phân bổ.")
    return redirect("proposal_list", pk=proposal_request.plan_id)


@login_required
def plan_terms(request, pk):
    organization = organization_get(user=request.user, pk=pk, action=Action.EDIT_PLANS)
    form = TermForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.committee_term_record(actor=request.user, organization=organization, **form.cleaned_data)
        except ApplicationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, "Đã ghi nhiệm kỳ.")
            return redirect("plan_terms", pk=organization.pk)
    context = {
        "organization": organization,
        "form": form,
        "terms": selectors.committee_terms_of(user=request.user, organization=organization),
        "current_term": selectors.current_term_of(user=request.user, organization=organization),
        "numbers": selectors.document_numbers_of(user=request.user, organization=organization),
    }
    return render(request, "planning/plan_terms.html", context)
