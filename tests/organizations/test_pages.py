import datetime as dt

from django.urls import reverse

from organizations.forms import MemberCountForm
from organizations.models import MemberCountSnapshot, Organization

from ..factories import kind


def test_member_count_form_reads_day_first():
    form = MemberCountForm(data={"as_of": "01/02/2025", "members": "12"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["as_of"] == dt.date(2025, 2, 1)
    bad = MemberCountForm(data={"as_of": "31/02/2025", "members": "mười"})
    assert not bad.is_valid()
    assert "dd/mm/yyyy" in bad.errors["as_of"][0]
    assert bad.errors["members"] == ["Hãy nhập một số nguyên."]


def test_tree_page_shows_roots_and_lazy_children(client, world):
    client.force_login(world.users["office_staff"])
    html = client.get(reverse("tree")).content.decode()
    assert "Đảng ủy xã Ka Đô" in html
    assert reverse("tree_children", args=[world.commune.pk]) in html
    children = client.get(reverse("tree_children", args=[world.commune.pk])).content.decode()
    assert "Đảng bộ Trường THPT Pró" in children
    assert "Chi bộ Giáo viên 1" not in children  # one level at a time


def test_tree_search_ignores_accents_and_stays_in_scope(client, world):
    client.force_login(world.users["office_staff"])
    html = client.get(reverse("tree"), {"q": "giao vien"}).content.decode()
    assert "Chi bộ Giáo viên 1" in html and "Chi bộ Giáo viên 2" in html
    html = client.get(reverse("tree"), {"q": "dong thanh"}).content.decode()
    assert "Chi bộ thôn Đồng Thạnh" not in html  # another commune: outside the scope


def test_add_organization_page_creates_and_shows_vietnamese_errors(client, world):
    client.force_login(world.users["tenant_admin"])
    url = reverse("organization_add", args=[world.base.pk])
    response = client.post(url, {"name": "", "code": "PRO-GV1", "kind": kind("chi-bo").pk})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Trường này là bắt buộc." in html
    response = client.post(url, {"name": "Chi bộ Học sinh", "code": "PRO-GV1", "kind": kind("chi-bo").pk})
    assert "đã được dùng" in response.content.decode()
    response = client.post(
        url, {"name": "Chi bộ Học sinh", "code": "PRO-HS", "kind": kind("chi-bo").pk, "valid_from": "01/09/2025"}
    )
    created = Organization.objects.get(code="PRO-HS")
    assert response.status_code == 302 and response["Location"] == reverse("organization_detail", args=[created.pk])
    assert created.valid_from == dt.date(2025, 9, 1)


def test_dissolve_page_merges_into_successor_by_code(client, world):
    client.force_login(world.users["tenant_admin"])
    url = reverse("organization_dissolve", args=[world.commune.pk])
    response = client.post(url, {"on": "01/07/2025", "successor_code": "KHONGCO"})
    assert "Không tìm thấy tổ chức kế thừa" in response.content.decode()
    response = client.post(url, {"on": "01/07/2025", "successor_code": "LACXUAN", "reason": "Nghị quyết sáp nhập"})
    assert response.status_code == 302
    world.commune.refresh_from_db()
    assert world.commune.successor_id == world.other_commune.pk


def test_move_page_refuses_other_tenant_code(client, world):
    client.force_login(world.users["tenant_admin"])
    response = client.post(reverse("organization_move", args=[world.base.pk]), {"new_parent_code": "DONGDA"})
    assert "Không tìm thấy tổ chức có mã này" in response.content.decode()


def test_roles_page_grants_and_revokes(client, world):
    client.force_login(world.users["tenant_admin"])
    url = reverse("organization_roles", args=[world.other_cell.pk])
    response = client.post(
        url,
        {"username": "bithu_moi", "full_name": "Hoàng Thị Yến", "password": "mat-khau-dai", "role": "cell_secretary"},
    )
    assert response.status_code == 302
    html = client.get(url).content.decode()
    assert "Hoàng Thị Yến" in html or "Yến" in html
    client.force_login(world.users["cell_secretary"])
    assert client.get(url).status_code == 404


def test_member_counts_page_records_for_office_staff_only(client, world):
    client.force_login(world.users["office_staff"])
    url = reverse("member_counts", args=[world.cell.pk])
    response = client.post(url, {"as_of": "31/12/2024", "members": "15", "probationary": "2"})
    assert response.status_code == 302
    assert MemberCountSnapshot.objects.get(organization=world.cell).members == 15
    client.force_login(world.users["cell_secretary"])
    assert client.post(url, {"as_of": "31/12/2024", "members": "99"}).status_code == 403
    assert MemberCountSnapshot.objects.get(organization=world.cell).members == 15
    assert "15" in client.get(url).content.decode()


def test_workplace_switch_changes_current_organization(client, world):
    from organizations.models import Role

    from ..factories import grant

    user = world.users["review_board"]
    grant(user, world.other_commune, Role.OFFICE_STAFF)
    client.force_login(user)
    response = client.post(reverse("workplace_switch"), {"org": world.other_commune.pk})
    assert response.status_code == 302
    assert "Đảng ủy xã Lạc Xuân" in client.get(reverse("home")).content.decode()
    response = client.post(reverse("workplace_switch"), {"org": world.commune_b.pk}, follow=True)
    assert response.status_code == 404


def test_error_pages_are_vietnamese_and_do_not_echo_the_url(client, world, settings):
    settings.DEBUG = False
    client.force_login(world.users["cell_secretary"])
    response = client.get(reverse("organization_detail", args=[world.cell_b.pk]) + "?cccd=012345678901")
    html = response.content.decode()
    assert response.status_code == 404
    assert "Không tìm thấy" in html
    assert "012345678901" not in html


def test_names_show_in_vietnamese_order(client, world):
    client.force_login(world.users["office_staff"])  # Nguyễn Thị Lan
    html = client.get(reverse("home")).content.decode()
    assert "Nguyễn Thị Lan" in html
    assert "Lan Nguyễn" not in html
