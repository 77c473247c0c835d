import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from config.errors import ApplicationError
from organizations.access import Action
from organizations.selectors import organization_get

from . import dashboards, exports, selectors, services, tables
from .forms import LetterForm
from .models import Document


def _document_parameters(kind: str, data) -> dict:
    """The parameters a kind of document accepts from its form (a progress report: year, period, plan)."""
    if kind != Document.Kind.PROGRESS_REPORT:
        return {}
    try:
        year = int(data.get("nam", ""))
    except ValueError:
        year = None
    plan = data.get("ke_hoach", "")
    return {
        "year": year if year and 2000 <= year <= 2100 else None,
        "period": data.get("ky") if data.get("ky") in dashboards.PERIODS else "nam",
        "plan_id": int(plan) if plan.isdigit() else None,
        "on": dt.date.today().isoformat(),
    }


@login_required
@require_POST
def document_request(request):
    kind = request.POST.get("kind", "")
    try:
        document = services.document_request(
            actor=request.user,
            kind=kind,
            subject_id=int(request.POST.get("subject", "0")),
            parameters=_document_parameters(kind, request.POST),
        )
    except (ValueError, ApplicationError) as error:
        messages.error(request, getattr(error, "message", "Yêu cầu không hợp lệ."))
        return redirect("home")
    return redirect("document_detail", pk=document.pk)


@login_required
def document_detail(request, pk):
    document = selectors.document_get(user=request.user, pk=pk)
    return render(request, "reports/document_detail.html", {"document": document})


@login_required
def document_status(request, pk):
    document = selectors.document_get(user=request.user, pk=pk)
    return render(request, "reports/_document_status.html", {"document": document})


@login_required
def document_download(request, pk):
    document = selectors.document_get(user=request.user, pk=pk)
    if document.status != Document.Status.READY or not document.file:
        raise Http404("Văn bản chưa sẵn sàng.")
    filename = f"{document.get_kind_display()} {document.pk}.pdf"
    return FileResponse(document.file.open("rb"), content_type="application/pdf", filename=filename, as_attachment=True)


@login_required
@require_POST
def document_retry(request, pk):
    document = selectors.document_get(user=request.user, pk=pk)
    services.document_retry(actor=request.user, document=document)
    return redirect("document_detail", pk=document.pk)


@login_required
def letter_list(request, pk):
    organization = organization_get(user=request.user, pk=pk)
    letters = selectors.letters_of(user=request.user, organization=organization)[:100]
    return render(request, "reports/letter_list.html", {"organization": organization, "letters": letters})


@login_required
def letter_create(request, pk):
    organization = organization_get(user=request.user, pk=pk, action=Action.EDIT_PLANS)
    form = LetterForm(request.POST or None, initial={"place": organization.place_name})
    if request.method == "POST" and form.is_valid():
        try:
            letter = services.letter_create(actor=request.user, organization=organization, **form.cleaned_data)
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "Đã lưu công văn.")
            return redirect("letter_detail", pk=letter.pk)
    return render(request, "reports/letter_form.html", {"organization": organization, "form": form})


@login_required
def letter_detail(request, pk):
    letter = selectors.letter_get(user=request.user, pk=pk)
    documents = selectors.documents_for_subject(user=request.user, kind=Document.Kind.LETTER, subject_id=letter.pk)
    return render(request, "reports/letter_detail.html", {"letter": letter, "documents": documents})


@login_required
def plan_documents(request, pk):
    plan = selectors.plan_for_documents(user=request.user, pk=pk)
    if request.method == "POST":
        try:
            services.signed_copy_upload(
                actor=request.user, plan=plan, upload=request.FILES.get("file"), note=request.POST.get("note", "")
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "Đã lưu bản đã ký.")
        return redirect("plan_documents", pk=plan.pk)
    context = {
        "plan": plan,
        "documents": selectors.documents_for_subject(user=request.user, kind=Document.Kind.PLAN, subject_id=plan.pk),
        "signed": selectors.signed_copies_of(user=request.user, kind=Document.Kind.PLAN, subject_id=plan.pk),
    }
    return render(request, "reports/plan_documents.html", context)


@login_required
def signed_copy_download(request, pk):
    copy = selectors.signed_copy_get(user=request.user, pk=pk)
    return FileResponse(
        copy.file.open("rb"), content_type="application/pdf", filename=f"ban-ky-{copy.pk}.pdf", as_attachment=True
    )


def _dashboard_args(request) -> dict:
    try:
        year = int(request.GET.get("nam", "")) or None
    except ValueError:
        year = None
    if year is not None and not 2000 <= year <= 2100:
        year = None
    plan = request.GET.get("ke_hoach") or None
    period = request.GET.get("ky", "nam")
    return {
        "year": year,
        "plan_id": plan if plan and plan.isdigit() else None,
        "period": period if period in dashboards.PERIODS else "nam",
    }


@login_required
def dashboard(request, pk):
    organization = organization_get(user=request.user, pk=pk)
    progress = dashboards.quota_progress(user=request.user, organization=organization, **_dashboard_args(request))
    context = {
        "organization": organization,
        "progress": progress,
        "rows": tables.quota_rows(progress),
        "years": dashboards.year_choices(),
        "periods": dashboards.PERIODS,
        "period": _dashboard_args(request)["period"],
    }
    return render(request, "reports/dashboard.html", context)


@login_required
def dashboard_flow(request, pk):
    organization = organization_get(user=request.user, pk=pk)
    flow = dashboards.flow(user=request.user, organization=organization, year=_dashboard_args(request)["year"])
    flow.period = "nam"
    context = {"organization": organization, "flow": flow, "years": dashboards.year_choices()}
    return render(request, "reports/dashboard_flow.html", context)


@login_required
def dashboard_flags(request, pk):
    organization = organization_get(user=request.user, pk=pk)
    progress = dashboards.quota_progress(user=request.user, organization=organization, **_dashboard_args(request))
    flags = dashboards.red_flags(user=request.user, organization=organization, progress=progress)
    context = {"organization": organization, "progress": progress, "flags": flags, "years": dashboards.year_choices()}
    return render(request, "reports/dashboard_flags.html", context)


@login_required
def dashboard_export(request, pk, table):
    organization = organization_get(user=request.user, pk=pk)
    if table not in exports.TABLES:
        raise Http404("Không có bảng này.")
    content, filename = exports.TABLES[table](user=request.user, organization=organization, **_dashboard_args(request))
    return exports.xlsx_response(content, filename)
