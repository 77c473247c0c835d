from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from config.errors import ApplicationError
from organizations.member_count_import import member_count_import_file
from organizations.models import AuditEvent, MemberCountSnapshot
from organizations.resources import member_counts_export_xlsx
from organizations.spreadsheets import ACTION_CREATE, ACTION_UNCHANGED, ACTION_UPDATE

from .sheets import COUNT_HEADER, db_counts, read_xlsx, upload, xlsx


@pytest.fixture
def counted(world):
    """Two snapshots already recorded in the commune."""
    MemberCountSnapshot.objects.create(organization=world.cell, as_of=dt.date(2024, 12, 31), members=12)
    MemberCountSnapshot.objects.create(
        organization=world.base, as_of=dt.date(2024, 12, 31), members=40, probationary=2, note="cũ"
    )
    return world


def run(world, rows, *, dry_run=False, header=COUNT_HEADER, at=None, name="so.xlsx"):
    data = xlsx([header, *rows]) if name.endswith(".xlsx") else rows
    return member_count_import_file(actor=None, at=at or world.commune, source=data, filename=name, dry_run=dry_run)


def snapshots() -> list[tuple]:
    return list(
        MemberCountSnapshot.objects.order_by("pk").values_list("organization_id", "as_of", "members", "probationary")
    )


def test_member_count_import_creates_updates_and_skips(counted):
    world = counted
    rows = [
        ["PRO-GV1", dt.datetime(2024, 12, 31), 12, None, None],  # unchanged
        ["PRO", "31/12/2024", 41, 3, "sửa"],  # corrected
        ["PRO-GV2", "30/06/2025", "1.234", 0, "mới"],  # new, Vietnamese thousands dot
    ]
    preview = run(world, rows, dry_run=True)
    assert preview.is_valid, preview.error_lines()
    assert [r.action for r in preview.rows] == [ACTION_UNCHANGED, ACTION_UPDATE, ACTION_CREATE]
    assert preview.rows[1].cells[:3] == ["PRO", "Đảng bộ Trường THPT Pró", "31/12/2024"]
    assert MemberCountSnapshot.objects.count() == 2

    result = run(world, rows)
    assert result.written
    assert MemberCountSnapshot.objects.get(organization=world.base).members == 41
    new = MemberCountSnapshot.objects.get(organization=world.sibling_cell)
    assert (new.as_of, new.members, new.probationary, new.note) == (dt.date(2025, 6, 30), 1234, 0, "mới")
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.IMPORT)
    assert (event.data["created"], event.data["updated"], event.data["unchanged"]) == (1, 1, 1)


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (["KHONG-CO", "31/12/2024", 5, None, None], "Không tìm thấy tổ chức mã “KHONG-CO” thuộc “Đảng ủy xã Ka Đô”"),
        (["LX-DT", "31/12/2024", 5, None, None], "Không tìm thấy tổ chức mã “LX-DT”"),  # outside the subtree
        (["PRO", "31/02/2024", 5, None, None], "Ngày “31/02/2024” không hợp lệ"),
        (["PRO", "", 5, None, None], "Thiếu ngày"),
        (["PRO", "31/12/2023", -1, None, None], "Số đảng viên: Số không được âm."),
        (["PRO", "31/12/2023", "mười", None, None], "Số đảng viên: “mười” không phải số nguyên."),
        (["PRO", "31/12/2023", None, None, None], "Số đảng viên: Thiếu số đảng viên."),
        (["PRO", "31/12/2023", 5, 6, None], "Dự bị: Số dự bị lớn hơn tổng số đảng viên."),
        (["PRO", "31/12/2099", 5, None, None], "còn ở tương lai"),
    ],
)
def test_member_count_import_row_errors_write_nothing(counted, row, expected):
    world = counted
    rows = [["PRO-GV2", "30/06/2025", 9, None, None], row]
    before, counts = snapshots(), db_counts()
    preview = run(world, rows, dry_run=True)
    assert any(expected in m for m in preview.errors_by_row()[3]), preview.error_lines()
    assert 2 not in preview.errors_by_row()
    with pytest.raises(ApplicationError) as raised:
        run(world, rows)
    assert any(expected in m for m in raised.value.errors[3])
    assert snapshots() == before and db_counts() == counts


def test_member_count_import_duplicate_rows_are_refused(counted):
    rows = [["PRO", "30/06/2025", 9, None, None], ["PRO", dt.datetime(2025, 6, 30), 10, None, None]]
    with pytest.raises(ApplicationError) as raised:
        run(counted, rows)
    assert raised.value.errors[3] == ["Trùng tổ chức và ngày với dòng 2."]
    assert MemberCountSnapshot.objects.count() == 2


def test_member_count_import_missing_column_and_csv(counted):
    with pytest.raises(ApplicationError, match="Tệp thiếu cột “Số đảng viên”"):
        run(counted, [["PRO", "30/06/2025"]], header=["Mã tổ chức", "Tính đến ngày"])
    # headers matched without accents or case; a CSV saved by Excel in Vietnamese uses ";"
    data = "\ufeffma to chuc;TINH DEN NGAY;so dang vien\nPRO;30/06/2025;1.050\n".encode()
    result = run(counted, data, name="so.csv")
    assert result.written
    assert MemberCountSnapshot.objects.get(organization=counted.base, as_of=dt.date(2025, 6, 30)).members == 1050


def test_member_count_round_trip_changes_nothing(counted):
    data = member_counts_export_xlsx(at=counted.commune)
    rows = read_xlsx(data)
    assert list(rows[0]) == ["Mã tổ chức", "Tên tổ chức", "Tính đến ngày", "Số đảng viên", "Dự bị", "Ghi chú"]
    assert rows[1][:5] == ("PRO", "Đảng bộ Trường THPT Pró", dt.datetime(2024, 12, 31), 40, 2)
    before, counts = snapshots(), db_counts()
    result = member_count_import_file(actor=None, at=counted.commune, source=data, filename="so.xlsx")
    assert [r.action for r in result.rows] == [ACTION_UNCHANGED, ACTION_UNCHANGED]
    assert not result.written
    assert snapshots() == before and db_counts() == counts


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_member_count_import_page_previews_then_confirms(client, counted, media):
    world = counted
    client.force_login(world.users["office_staff"])
    page = client.get(reverse("member_counts", args=[world.commune.pk])).content.decode()
    assert reverse("member_counts_import", args=[world.commune.pk]) in page
    url = reverse("member_counts_import", args=[world.commune.pk])
    data = xlsx([COUNT_HEADER, ["PRO-GV2", "30/06/2025", 9, 1, None]])
    response = client.post(url, {"file": upload(data)})
    assert "Xác nhận nhập" in response.content.decode()
    assert MemberCountSnapshot.objects.count() == 2
    response = client.post(url, {"token": response.context["token"]})
    assert response.status_code == 302
    assert MemberCountSnapshot.objects.get(organization=world.sibling_cell).members == 9
    assert not any((media / "imports").iterdir())


def test_member_count_import_cancel_deletes_the_file(client, counted, media):
    client.force_login(counted.users["office_staff"])
    url = reverse("member_counts_import", args=[counted.commune.pk])
    data = xlsx([COUNT_HEADER, ["PRO-GV2", "30/06/2025", 9, 1, None]])
    token = client.post(url, {"file": upload(data)}).context["token"]
    client.post(url, {"token": token, "cancel": "1"})
    assert MemberCountSnapshot.objects.count() == 2
    assert not any((media / "imports").iterdir())


def test_member_count_pages_permissions(client, counted):
    world = counted
    client.force_login(world.users["cell_secretary"])
    assert client.get(reverse("member_counts_import", args=[world.cell.pk])).status_code == 403
    response = client.get(reverse("member_counts_export", args=[world.cell.pk]))
    assert response.status_code == 200
    assert [r[0] for r in read_xlsx(response.content)[1:]] == ["PRO-GV1"]
    client.force_login(world.users["office_staff_b"])
    assert client.get(reverse("member_counts_import", args=[world.commune.pk])).status_code == 404
    assert client.get(reverse("member_counts_export", args=[world.commune.pk])).status_code == 404


def test_member_count_commands(counted, tmp_path):
    path = tmp_path / "so.xlsx"
    call_command("export_member_counts", str(path), "--tenant", "LD", "--at", "KADO")
    assert len(read_xlsx(path.read_bytes())) == 3
    bad = tmp_path / "loi.xlsx"
    bad.write_bytes(xlsx([COUNT_HEADER, ["PRO", "31/12/2024", 5, 9, None]]))
    before = snapshots()
    with pytest.raises(CommandError) as raised:
        call_command("import_member_counts", str(bad), "--tenant", "LD")
    assert "Dòng 2: Dự bị: Số dự bị lớn hơn tổng số đảng viên." in str(raised.value)
    good = tmp_path / "dung.xlsx"
    good.write_bytes(xlsx([COUNT_HEADER, ["PRO", "31/12/2024", 45, 2, None]]))
    call_command("import_member_counts", str(good), "--tenant", "LD", "--dry-run")
    assert snapshots() == before
    call_command("import_member_counts", str(good), "--tenant", "LD", "--at", "PRO")
    assert MemberCountSnapshot.objects.get(organization=counted.base).members == 45
