from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from config.errors import ApplicationError

from . import selectors, services
from .access import Action, access_for
from .forms import DissolveForm, MemberCountForm, MoveForm, OrganizationForm, RoleGrantForm
from .models import Organization


def _show_errors(form, error: ApplicationError) -> None:
    form.add_error(None, error.message)
    for field, field_errors in error.errors.items():
        for message in field_errors:
            form.add_error(field if field in form.fields else None, message)


def _org_by_code(user, code: str, tenant_id: int) -> Organization | None:
    return access_for(user).organizations().filter(tenant_id=tenant_id, code=code.strip()).first()


def health(request):
    """Readiness probe for the load balancer and docker-compose: the database answers."""
    from django.db import connection
    from django.http import HttpResponse

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


@login_required
def home(request):
    organization = request.organization
    context = {"roles": sorted(request.access.roles())}
    if organization is not None:
        context["children"] = selectors.organization_children(user=request.user, organization=organization)[:12]
    return render(request, "organizations/home.html", context)


@login_required
def workplace_switch(request):
    if request.method == "POST":
        try:
            organization = services.current_organization_set(request=request, organization_pk=request.POST.get("org"))
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"Đang làm việc tại: {organization.name}.")
            wanted = request.POST.get("next", "")
            safe = url_has_allowed_host_and_scheme(
                wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
            )
            return redirect(wanted if wanted and safe else "home")
    return render(request, "organizations/workplace_switch.html", {"assignments": request.access.assignments})


@login_required
def tree(request):
    query = request.GET.get("q", "").strip()
    if query:
        results = selectors.organization_search(user=request.user, text=query)
        return render(request, "organizations/tree.html", {"query": query, "results": results})
    roots = selectors.organization_tree_roots(user=request.user)
    return render(request, "organizations/tree.html", {"roots": roots})


@login_required
def tree_children(request, pk):
    organization = selectors.organization_get(user=request.user, pk=pk)
    children = selectors.organization_children(user=request.user, organization=organization)
    return render(request, "organizations/_tree_children.html", {"children": children})


@login_required
def organization_detail(request, pk):
    organization = selectors.organization_get(user=request.user, pk=pk)
    context = {
        "organization": organization,
        "children": selectors.organization_children(user=request.user, organization=organization),
        "summary": selectors.organization_summary(user=request.user, organization=organization),
        "member_counts": selectors.member_counts_of(user=request.user, organization=organization)[:5],
    }
    return render(request, "organizations/organization_detail.html", context)


def _organization_form(request, organization, *, parent=None):
    kinds = selectors.kinds_for(organization=organization)
    sectors = selectors.sectors_for(organization=organization)
    initial = OrganizationForm.initial_from(organization) if parent is None else {"kind": None}
    form = OrganizationForm(request.POST or None, initial=initial, kinds=kinds, sectors=sectors)
    if request.method == "POST" and form.is_valid():
        try:
            if parent is not None:
                created = services.organization_create(actor=request.user, parent=parent, **form.cleaned_data)
                messages.success(request, f"Đã thêm “{created.name}”.")
                return redirect("organization_detail", pk=created.pk)
            services.organization_update(actor=request.user, organization=organization, **form.cleaned_data)
            messages.success(request, "Đã lưu thông tin tổ chức.")
            return redirect("organization_detail", pk=organization.pk)
        except ApplicationError as error:
            _show_errors(form, error)
    title = f"Thêm tổ chức trực thuộc {parent.name}" if parent else f"Sửa thông tin {organization.name}"
    return render(
        request,
        "organizations/organization_form.html",
        {"form": form, "organization": organization, "title": title},
    )


@login_required
def organization_add(request, pk):
    parent = selectors.organization_get(user=request.user, pk=pk, action=Action.MANAGE_TREE)
    return _organization_form(request, parent, parent=parent)


@login_required
def organization_edit(request, pk):
    organization = selectors.organization_get(user=request.user, pk=pk, action=Action.MANAGE_TREE)
    return _organization_form(request, organization)


@login_required
def organization_move(request, pk):
    organization = selectors.organization_get(user=request.user, pk=pk, action=Action.MANAGE_TREE)
    form = MoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        new_parent = _org_by_code(request.user, form.cleaned_data["new_parent_code"], organization.tenant_id)
        try:
            if new_parent is None:
                raise ApplicationError("Không tìm thấy tổ chức có mã này trong phạm vi của đồng chí.")
            services.organization_move(actor=request.user, organization=organization, new_parent=new_parent)
        except ApplicationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, f"Đã chuyển “{organization.name}” sang “{new_parent.name}”.")
            return redirect("organization_detail", pk=organization.pk)
    return render(request, "organizations/organization_move.html", {"form": form, "organization": organization})


@login_required
def organization_dissolve(request, pk):
    organization = selectors.organization_get(user=request.user, pk=pk, action=Action.MANAGE_TREE)
    form = DissolveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["successor_code"]
        successor = _org_by_code(request.user, code, organization.tenant_id) if code else None
        try:
            if code and successor is None:
                raise ApplicationError("Không tìm thấy tổ chức kế thừa có mã này trong phạm vi của đồng chí.")
            services.organization_dissolve(
                actor=request.user,
                organization=organization,
                on=form.cleaned_data["on"],
                successor=successor,
                reason=form.cleaned_data["reason"],
            )
        except ApplicationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, f"Đã ghi nhận giải thể / sáp nhập “{organization.name}”.")
            return redirect("organization_detail", pk=organization.pk)
    return render(request, "organizations/organization_dissolve.html", {"form": form, "organization": organization})


@login_required
def organization_roles(request, pk):
    organization = selectors.organization_get(user=request.user, pk=pk, action=Action.MANAGE_ROLES)
    form = RoleGrantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.role_grant(actor=request.user, organization=organization, **form.cleaned_data)
        except ApplicationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, "Đã giao vai trò.")
            return redirect("organization_roles", pk=organization.pk)
    assignments = selectors.role_assignments_under(user=request.user, organization=organization)[:500]
    context = {"organization": organization, "form": form, "assignments": assignments}
    return render(request, "organizations/organization_roles.html", context)


@login_required
@require_POST
def role_revoke(request, pk):
    assignment = selectors.role_assignment_get(user=request.user, pk=pk)
    try:
        services.role_revoke(actor=request.user, assignment=assignment)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Đã thu hồi vai trò.")
    back = request.POST.get("back", "")
    return redirect("organization_roles", pk=int(back) if back.isdigit() else assignment.organization_id)


@login_required
def member_counts(request, pk):
    organization = selectors.organization_get(user=request.user, pk=pk)
    can_edit = request.access.can(Action.MANAGE_MEMBER_COUNTS, organization)
    form = MemberCountForm(request.POST or None)
    if request.method == "POST":
        request.access.require(Action.MANAGE_MEMBER_COUNTS, organization)
        if form.is_valid():
            try:
                services.member_count_record(actor=request.user, organization=organization, **form.cleaned_data)
            except ApplicationError as error:
                _show_errors(form, error)
            else:
                messages.success(request, "Đã ghi số đảng viên.")
                return redirect("member_counts", pk=organization.pk)
    snapshots = selectors.member_counts_of(user=request.user, organization=organization)[:200]
    context = {"organization": organization, "form": form, "snapshots": snapshots, "can_edit": can_edit}
    return render(request, "organizations/member_counts.html", context)


@login_required
def audit_log(request, pk):
    organization = selectors.organization_get(user=request.user, pk=pk, action=Action.MANAGE_TREE)
    events = selectors.audit_events_under(user=request.user, organization=organization)
    return render(request, "organizations/audit_log.html", {"organization": organization, "events": events})
