"""Every upload of the product refuses oversized files, files of the wrong type, zip bombs, external links and XML
entity attacks, with a Vietnamese message and nothing written (not even a pending import token)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from candidates.resources import CANDIDATE_REQUIRED, RESULT_REQUIRED
from organizations.resources import MEMBER_COUNT_COLUMNS, TREE_COLUMNS
from organizations.spreadsheets import PENDING_SESSION_KEY
from reports.models import SignedCopy
from tests.candidates.factories import make_class
from tests.planning.access_cases import _plan
from tests.reports.access_cases import _issued_plan

from . import files
from .snapshot import changed, db_snapshot


def _tree(world):
    return "tenant_admin", reverse("tree_import", args=[world.commune.pk]), list(TREE_COLUMNS)


def _member_counts(world):
    return "office_staff", reverse("member_counts_import", args=[world.commune.pk]), list(MEMBER_COUNT_COLUMNS)


def _allocations(world):
    return "office_staff", reverse("allocation_import", args=[_plan(world.commune).pk]), ["Mã tổ chức", "Kết nạp"]


def _candidates(world):
    return "cell_secretary", reverse("candidate_import", args=[world.cell.pk]), list(CANDIDATE_REQUIRED)


def _class_results(world):
    return "cell_secretary", reverse("class_results_import", args=[make_class(world.cell).pk]), list(RESULT_REQUIRED)


IMPORTS = {
    "tree_import": _tree,
    "member_counts_import": _member_counts,
    "allocation_import": _allocations,
    "candidate_import": _candidates,
    "class_results_import": _class_results,
}


def _hostile(header) -> dict[str, tuple[str, bytes, str]]:
    """name -> (file name, content, expected message)."""
    return {
        "zip bomb": ("bom.xlsx", files.zip_bomb(header, 3 * 1024 * 1024), "nội dung giải nén quá lớn"),
        "external link": ("lien-ket.xlsx", files.external_link([header]), "liên kết tới bảng tính khác"),
        "billion laughs": ("thuc-the.xlsx", files.entity_bomb([header]), "Không đọc được tệp Excel"),
        "XXE": ("xxe.xlsx", files.external_entity([header]), "Không đọc được tệp Excel"),
        "PDF named .xlsx": ("ds.xlsx", files.PDF, "không phải bảng tính"),
        "PDF named .csv": ("ds.csv", files.PDF, "không phải bảng tính"),
        "PNG": ("anh.png", files.PNG, "không phải bảng tính"),
        "EXE named .csv": ("ds.csv", files.EXE, "không phải bảng tính"),
        "old .xls": ("ds.xls", files.OLE_XLS, "Excel 97-2003"),
        "zip that is no workbook": (
            "ds.xlsx",
            files.zip_without_workbook(),
            "không phải bảng tính Excel (.xlsx) hợp lệ",
        ),
        "oversized": ("lon.csv", ("\t".join(header) + "\n" + "a\tb\n" * 6000).encode(), "Tệp quá lớn"),
        "empty": ("rong.csv", b"   \n", "Tệp rỗng"),
    }


@pytest.mark.parametrize("page", sorted(IMPORTS))
def test_every_import_refuses_hostile_and_wrong_files_and_writes_nothing(client, world, settings, page):
    settings.SPREADSHEET_MAX_UNCOMPRESSED_BYTES = 2 * 1024 * 1024
    settings.SPREADSHEET_MAX_BYTES = 20_000
    role, url, header = IMPORTS[page](world)
    client.force_login(world.users[role])
    failures = []
    for attack, (name, content, expected) in _hostile(header).items():
        before = db_snapshot()
        response = client.post(url, {"file": SimpleUploadedFile(name, content)})
        html = response.content.decode()
        if response.status_code != 200 or expected not in html:
            failures.append(f"{attack}: {response.status_code}, {expected!r} not shown")
        if changed(before, db_snapshot()):
            failures.append(f"{attack}: wrote {changed(before, db_snapshot())}")
        if client.session.get(PENDING_SESSION_KEY):
            failures.append(f"{attack}: kept a pending import")
        if "root:x:0:0" in html or "lollol" in html:
            failures.append(f"{attack}: entity expanded into the page")
    assert not failures, "\n".join(failures)


def test_zip_bomb_at_the_default_limit_is_refused_by_the_candidate_import(client, world, settings):
    assert settings.SPREADSHEET_MAX_UNCOMPRESSED_BYTES == 200 * 1024 * 1024
    bomb = files.zip_bomb(list(CANDIDATE_REQUIRED), 201 * 1024 * 1024)
    assert len(bomb) < settings.SPREADSHEET_MAX_BYTES  # passes the size check: only the inflation check stops it
    client.force_login(world.users["cell_secretary"])
    before = db_snapshot()
    response = client.post(
        reverse("candidate_import", args=[world.cell.pk]), {"file": SimpleUploadedFile("b.xlsx", bomb)}
    )
    assert "nội dung giải nén quá lớn" in response.content.decode()
    assert not changed(before, db_snapshot())


def test_import_upload_without_a_file_or_with_a_forged_token_writes_nothing(client, world):
    client.force_login(world.users["cell_secretary"])
    url = reverse("candidate_import", args=[world.cell.pk])
    before = db_snapshot()
    assert client.post(url, {}).status_code == 200
    empty = client.post(url, {"file": SimpleUploadedFile("rong.xlsx", b"")})
    assert "Hãy chọn tệp" in empty.content.decode() or "Tệp rỗng" in empty.content.decode()
    for token in ("../../../etc/passwd", "A" * 30, "", "x" * 500):
        response = client.post(url, {"token": token})
        assert response.status_code == 302
    assert not changed(before, db_snapshot())


def test_confirming_an_import_with_another_users_token_is_refused(client, world, settings):
    from tests.candidates.factories import make_candidate

    make_candidate(world.cell)
    client.force_login(world.users["cell_secretary"])
    url = reverse("candidate_export", args=[world.cell.pk])
    data = client.get(url).content
    preview = client.post(
        reverse("candidate_import", args=[world.cell.pk]), {"file": SimpleUploadedFile("a.xlsx", data)}
    )
    token = preview.context.get("token")
    assert token
    # The office staff of the commune covers the cell but does not own this pending upload.
    other = type(client)()
    other.force_login(world.users["office_staff"])
    before = db_snapshot()
    response = other.post(reverse("candidate_import", args=[world.commune.pk]), {"token": token}, follow=True)
    assert "Phiên nhập đã hết hạn hoặc không hợp lệ" in response.content.decode()
    assert not changed(before, db_snapshot())


def test_non_file_request_body_over_the_limit_is_refused(client, world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 50_000
    client.force_login(world.users["cell_secretary"])
    before = db_snapshot()
    response = client.post(reverse("candidate_add", args=[world.cell.pk]), {"full_name": "A" * 60_000})
    assert response.status_code == 400
    assert "Yêu cầu không hợp lệ" in response.content.decode()
    assert not changed(before, db_snapshot())


def test_too_many_fields_are_refused(client, world):
    client.force_login(world.users["cell_secretary"])
    data = {f"f{i}": "1" for i in range(1500)}
    assert client.post(reverse("candidate_add", args=[world.cell.pk]), data).status_code == 400


# --- the signed copy of a plan (PDF only) ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "name,content,expected",
    [
        ("ban-ky.pdf", files.PNG, "không phải PDF"),
        ("ban-ky.pdf", files.HTML, "không phải PDF"),
        ("ban-ky.pdf", files.EXE, "không phải PDF"),
        ("ban-ky.pdf", files.xlsx([["a"]]), "không phải PDF"),
        ("ban-ky.pdf", b"", "không phải PDF"),
    ],
)
def test_signed_copy_upload_accepts_only_pdf(client, world, name, content, expected):
    plan = _issued_plan(world.commune)
    client.force_login(world.users["office_staff"])
    response = client.post(
        reverse("plan_documents", args=[plan.pk]), {"file": SimpleUploadedFile(name, content)}, follow=True
    )
    assert expected in response.content.decode()
    assert not SignedCopy.objects.exists()


def test_signed_copy_upload_refuses_an_oversized_pdf(client, world, monkeypatch):
    import reports.services

    monkeypatch.setattr(reports.services, "SIGNED_COPY_MAX_BYTES", 1000)
    plan = _issued_plan(world.commune)
    client.force_login(world.users["office_staff"])
    big = files.PDF + b"0" * 2000
    response = client.post(
        reverse("plan_documents", args=[plan.pk]), {"file": SimpleUploadedFile("a.pdf", big)}, follow=True
    )
    assert "Tệp quá lớn" in response.content.decode()
    assert not SignedCopy.objects.exists()
    ok = client.post(
        reverse("plan_documents", args=[plan.pk]), {"file": SimpleUploadedFile("a.pdf", files.PDF)}, follow=True
    )
    assert "Đã lưu bản đã ký" in ok.content.decode() and SignedCopy.objects.count() == 1


def test_signed_copy_is_served_as_a_pdf_attachment_never_inline_html(client, world):
    plan = _issued_plan(world.commune)
    client.force_login(world.users["office_staff"])
    client.post(reverse("plan_documents", args=[plan.pk]), {"file": SimpleUploadedFile("<b>x</b>.html", files.PDF)})
    copy = SignedCopy.objects.get()
    response = client.get(reverse("signed_copy_download", args=[copy.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment") or "ban-ky-" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
