from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from config.errors import ApplicationError
from organizations.models import AuditEvent, Organization
from organizations.resources import tree_export_xlsx
from organizations.spreadsheets import ACTION_CREATE, ACTION_MOVE, ACTION_UNCHANGED, ACTION_UPDATE
from organizations.tree_import import tree_import_file

from .sheets import TREE_HEADER, db_counts, read_xlsx, tree_state, upload, xlsx


def run(world, rows, *, at=None, dry_run=False, header=TREE_HEADER, actor=None):
    data = xlsx([header, *rows])
    return tree_import_file(actor=actor, at=at or world.commune, source=data, filename="cay.xlsx", dry_run=dry_run)


def assert_refused(world, rows, expected: str, *, header=TREE_HEADER, at=None, row: int | None = None):
    """The file is refused with `expected` (for the row given, or for the file) and nothing changes."""
    before, counts = tree_state(), db_counts()
    preview = None
    try:
        preview = run(world, rows, header=header, at=at, dry_run=True)
    except ApplicationError as error:
        assert expected in error.message
    else:
        assert not preview.is_valid
        messages = preview.errors_by_row().get(row, []) if row else preview.error_lines()
        assert any(expected in m for m in messages), preview.error_lines()
    with pytest.raises(ApplicationError) as raised:
        run(world, rows, header=header, at=at)
    texts = [raised.value.message] + [m for ms in raised.value.errors.values() for m in ms]
    assert any(expected in t for t in texts), texts
    if row is not None:
        assert any(expected in m for m in raised.value.errors[row])
    assert tree_state() == before
    assert db_counts() == counts


# --- refused files -------------------------------------------------------------------------------------------


def test_tree_import_unknown_parent_is_a_row_error(world):
    rows = [["PRO-GV3", "KHONG-CO", "Chi bộ Giáo viên 3", "Chi bộ trực thuộc"]]
    assert_refused(world, rows, "Không tìm thấy tổ chức cấp trên mã “KHONG-CO”", row=2)


def test_tree_import_duplicate_code_in_file_marks_both_rows(world):
    rows = [
        ["PRO-GV3", "PRO", "Chi bộ Giáo viên 3", "chi-bo"],
        ["PRO-GV3", "PRO", "Chi bộ Giáo viên 3 (trùng)", "chi-bo"],
    ]
    assert_refused(world, rows, "Mã “PRO-GV3” xuất hiện ở nhiều dòng (2, 3)", row=3)


def test_tree_import_code_used_outside_the_subtree_is_refused(world):
    # LX-DT is a cell of the sibling commune: importing at KADO may not take that code over.
    rows = [["LX-DT", "PRO", "Chi bộ mới", "chi-bo"]]
    assert_refused(world, rows, "Mã “LX-DT” đã được dùng cho “Chi bộ thôn Đồng Thạnh”", row=2)


def test_tree_import_parent_outside_the_subtree_is_refused(world):
    rows = [["KADO-MOI", "LACXUAN", "Chi bộ mới", "chi-bo"]]
    assert_refused(world, rows, "không thuộc “Đảng ủy xã Ka Đô”", row=2)


def test_tree_import_cycle_between_rows_is_refused(world):
    rows = [
        ["A1", "A2", "Chi bộ A1", "chi-bo"],
        ["A2", "A3", "Chi bộ A2", "chi-bo"],
        ["A3", "A1", "Chi bộ A3", "chi-bo"],
    ]
    assert_refused(world, rows, "Vòng lặp cấp trên: A1 → A2 → A3 → A1", row=2)


def test_tree_import_move_under_own_descendant_is_refused(world):
    # PRO-GV1 is below PRO, not in the file: PRO cannot move under it.
    rows = [["PRO", "PRO-GV1", "Đảng bộ Trường THPT Pró", "dang-bo-co-so"]]
    assert_refused(world, rows, "Không thể chuyển “PRO” vào tổ chức cấp dưới của chính nó", row=2)


def test_tree_import_missing_column_is_a_file_error(world):
    header = ["Mã", "Mã cấp trên", "Loại"]
    assert_refused(world, [["PRO-GV3", "PRO", "chi-bo"]], "Tệp thiếu cột “Tên tổ chức”", header=header)


def test_tree_import_blank_name_is_a_row_error(world):
    rows = [["PRO-GV1", "PRO", "", "chi-bo"], ["PRO-GV3", "PRO", "  ", "chi-bo"]]
    assert_refused(world, rows, "Tên tổ chức không được để trống", row=3)


def test_tree_import_unknown_kind_is_a_row_error(world):
    rows = [["PRO-GV3", "PRO", "Chi bộ Giáo viên 3", "Chi đoàn"]]
    assert_refused(world, rows, "Không có loại tổ chức “Chi đoàn”", row=2)


def test_tree_import_start_node_cannot_move(world):
    rows = [["KADO", "LACXUAN", "Đảng ủy xã Ka Đô", "dang-uy-xa"]]
    assert_refused(world, rows, "là nơi bắt đầu nhập nên không chuyển được", row=2)


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF", "cay.xlsx"),
        (b"Ma,Ma cap tren\nA,B\n", "cay.xlsx"),
        (b"%PDF-1.4\n%%EOF", "cay.csv"),
    ],
)
def test_tree_import_refuses_what_is_not_a_spreadsheet(world, data, name):
    before = tree_state()
    with pytest.raises(ApplicationError, match="không phải bảng tính"):
        tree_import_file(actor=None, at=world.commune, source=data, filename=name, dry_run=True)
    assert tree_state() == before


# --- valid files ---------------------------------------------------------------------------------------------


def test_tree_import_creates_rows_given_children_first_updates_and_moves(world):
    rows = [
        # a cell under a new base committee that is itself under a new one: children first
        ["CB-3", "DB-MOI", "Chi bộ Khối 3", "chi bo truc thuoc"],
        ["DB-MOI", "DB-CHA", "Đảng bộ bộ phận mới", "Đảng bộ bộ phận", "Trường học"],
        ["DB-CHA", "KADO", "Đảng bộ cơ sở mới", "dang-bo-co-so", "", "ĐU"],
        ["PRO-GV1", "PRO", "Chi bộ Giáo viên số 1", "chi-bo"],  # renamed
        ["PRO-GV2", "DB-MOI", "Chi bộ Giáo viên 2", "chi-bo"],  # moved under a new node
        ["PRO", "KADO", "Đảng bộ Trường THPT Pró", "dang-bo-co-so"],  # unchanged
    ]
    preview = run(world, rows, dry_run=True)
    assert preview.is_valid, preview.error_lines()
    assert [r.action for r in preview.rows] == [
        ACTION_CREATE,
        ACTION_CREATE,
        ACTION_CREATE,
        ACTION_UPDATE,
        ACTION_MOVE,
        ACTION_UNCHANGED,
    ]
    assert Organization.objects.filter(code="CB-3").count() == 0

    result = run(world, rows)
    assert result.written
    cell = Organization.objects.get(code="CB-3")
    middle = Organization.objects.get(code="DB-MOI")
    top = Organization.objects.get(code="DB-CHA")
    assert cell.path.startswith(middle.path) and middle.path.startswith(top.path)
    assert top.path.startswith(world.commune.path) and top.depth == world.commune.depth + 1
    assert cell.depth == top.depth + 2
    assert cell.issuer_code == "CB" and top.issuer_code == "ĐU"
    assert middle.sector.code == "truong-hoc"
    moved = Organization.objects.get(code="PRO-GV2")
    assert moved.path.startswith(middle.path) and moved.depth == middle.depth + 1
    assert Organization.objects.get(code="PRO-GV1").name == "Chi bộ Giáo viên số 1"
    middle.refresh_from_db()
    assert middle.numchild == 2
    assert Organization.objects.find_problems() == ([], [], [], [], [])
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.IMPORT)
    assert event.organization == world.commune
    assert event.data["created"] == 3 and event.data["updated"] == 1 and event.data["moved"] == 1


def test_tree_import_moves_in_an_order_treebeard_accepts(world):
    # PRO moves under its former child PRO-GV1's new place: PRO-GV1 first goes up to KADO.
    rows = [
        ["PRO", "PRO-GV1", "Đảng bộ Trường THPT Pró", "dang-bo-co-so"],
        ["PRO-GV1", "KADO", "Chi bộ Giáo viên 1", "chi-bo"],
    ]
    result = run(world, rows)
    assert result.written
    gv1 = Organization.objects.get(code="PRO-GV1")
    pro = Organization.objects.get(code="PRO")
    assert gv1.depth == world.commune.depth + 1
    assert pro.path.startswith(gv1.path) and pro.depth == gv1.depth + 1
    assert Organization.objects.get(code="PRO-GV2").path.startswith(pro.path)
    assert Organization.objects.find_problems() == ([], [], [], [], [])


def test_tree_import_round_trip_changes_nothing(world):
    data = tree_export_xlsx(at=world.commune)
    rows = read_xlsx(data)
    assert list(rows[0]) == TREE_HEADER
    assert rows[1][:2] == ("KADO", None)  # what lies above the starting node is not exported
    before, counts = tree_state(), db_counts()
    result = tree_import_file(actor=None, at=world.commune, source=data, filename="cay.xlsx")
    assert result.is_valid and not result.written
    assert {r.action for r in result.rows} == {ACTION_UNCHANGED}
    assert len(result.rows) == 4
    assert tree_state() == before
    assert db_counts() == counts


# --- browser -------------------------------------------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_tree_import_page_previews_then_confirms(client, world, media):
    client.force_login(world.users["tenant_admin"])
    url = reverse("tree_import", args=[world.commune.pk])
    assert client.get(url).status_code == 200
    data = xlsx([TREE_HEADER, ["PRO-GV3", "PRO", "Chi bộ Giáo viên 3", "chi-bo"]])
    response = client.post(url, {"file": upload(data)})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Xác nhận nhập" in html and "Thêm mới" in html
    token = response.context["token"]
    assert (media / "imports" / token).is_file()
    assert not Organization.objects.filter(code="PRO-GV3").exists()

    response = client.post(url, {"token": token})
    assert response.status_code == 302
    assert Organization.objects.get(code="PRO-GV3").path.startswith(world.base.path)
    assert not (media / "imports" / token).exists()
    # the token is used up
    response = client.post(url, {"token": token}, follow=True)
    assert "Phiên nhập đã hết hạn" in response.content.decode()


def test_tree_import_page_shows_row_errors_and_offers_no_confirmation(client, world, media):
    client.force_login(world.users["tenant_admin"])
    data = xlsx([TREE_HEADER, ["PRO-GV3", "KHONG-CO", "Chi bộ Giáo viên 3", "chi-bo"]])
    response = client.post(reverse("tree_import", args=[world.commune.pk]), {"file": upload(data)})
    html = response.content.decode()
    assert 'class="row-error"' in html and "Không tìm thấy tổ chức cấp trên" in html
    assert "Xác nhận nhập" not in html
    assert not (media / "imports").exists() or not any((media / "imports").iterdir())


def test_tree_import_page_shows_a_file_error(client, world, media):
    client.force_login(world.users["tenant_admin"])
    response = client.post(reverse("tree_import", args=[world.commune.pk]), {"file": upload(b"hello", "a.xlsx")})
    assert "không phải bảng tính" in response.content.decode()


def test_tree_import_token_of_another_user_is_refused(client, world, media):
    client.force_login(world.users["tenant_admin"])
    url = reverse("tree_import", args=[world.commune.pk])
    data = xlsx([TREE_HEADER, ["PRO-GV3", "PRO", "Chi bộ Giáo viên 3", "chi-bo"]])
    token = client.post(url, {"file": upload(data)}).context["token"]
    client.post(reverse("tree_import", args=[world.other_commune.pk]), {"token": token})
    assert not Organization.objects.filter(code="PRO-GV3").exists()


def test_tree_import_and_export_permissions(client, world, media):
    client.force_login(world.users["cell_secretary"])
    assert client.get(reverse("tree_import", args=[world.cell.pk])).status_code == 403
    assert client.get(reverse("tree_export", args=[world.cell.pk])).status_code == 200
    assert client.get(reverse("tree_export", args=[world.commune.pk])).status_code == 404
    client.force_login(world.users["tenant_admin_b"])
    assert client.get(reverse("tree_import", args=[world.commune.pk])).status_code == 404
    assert client.get(reverse("tree_export", args=[world.commune.pk])).status_code == 404


def test_tree_export_page_returns_xlsx(client, world):
    client.force_login(world.users["review_board"])
    response = client.get(reverse("tree_export", args=[world.commune.pk]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="cay-to-chuc-kado.xlsx"' in response["Content-Disposition"]
    rows = read_xlsx(response.content)
    assert [r[0] for r in rows[1:]] == ["KADO", "PRO", "PRO-GV1", "PRO-GV2"]
    assert rows[2][1] == "KADO"


# --- commands ------------------------------------------------------------------------------------------------


def test_import_tree_command_writes_with_no_actor(world, tmp_path, capsys):
    path = tmp_path / "cay.xlsx"
    path.write_bytes(xlsx([TREE_HEADER, ["PRO-GV3", "PRO", "Chi bộ Giáo viên 3", "chi-bo"]]))
    call_command("import_tree", str(path), "--tenant", "LD", "--at", "KADO", "--dry-run")
    assert not Organization.objects.filter(code="PRO-GV3").exists()
    call_command("import_tree", str(path), "--tenant", "LD", "--at", "KADO")
    assert Organization.objects.get(code="PRO-GV3").tenant_id == world.root.pk
    assert "Đã nhập" in capsys.readouterr().out
    assert AuditEvent.objects.get(kind=AuditEvent.Kind.IMPORT).actor is None


def test_import_tree_command_fails_with_row_errors_and_writes_nothing(world, tmp_path):
    path = tmp_path / "cay.xlsx"
    path.write_bytes(xlsx([TREE_HEADER, ["PRO-GV3", "KHONG-CO", "Chi bộ Giáo viên 3", "chi-bo"]]))
    before = tree_state()
    with pytest.raises(CommandError) as raised:
        call_command("import_tree", str(path), "--tenant", "LD", "--at", "KADO")
    assert "Dòng 2: Không tìm thấy tổ chức cấp trên mã “KHONG-CO”" in str(raised.value)
    with pytest.raises(CommandError, match="Không tìm thấy đảng bộ mã “XX”"):
        call_command("import_tree", str(path), "--tenant", "XX")
    with pytest.raises(CommandError, match="Không tìm thấy tổ chức mã “KADO”"):
        call_command("import_tree", str(path), "--tenant", "HN", "--at", "KADO")
    with pytest.raises(CommandError, match="Không đọc được tệp"):
        call_command("import_tree", str(tmp_path / "khong-co.xlsx"), "--tenant", "LD")
    assert tree_state() == before


def test_export_tree_command_round_trips(world, tmp_path):
    path: Path = tmp_path / "cay.xlsx"
    call_command("export_tree", str(path), "--tenant", "LD")
    rows = read_xlsx(path.read_bytes())
    assert len(rows) == 1 + 7
    before = tree_state()
    call_command("import_tree", str(path), "--tenant", "LD")
    assert tree_state() == before
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.IMPORT).exists()
