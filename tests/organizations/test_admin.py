from django.urls import reverse

from organizations.models import Organization

from ..factories import make_user


def test_admin_is_tenant_scoped_and_read_only_for_tenant_admins(client, world):
    admin = world.users["tenant_admin"]
    admin.is_staff = True
    admin.save()
    client.force_login(admin)
    response = client.get(reverse("admin:organizations_organization_changelist"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Đảng ủy xã Ka Đô" in html
    assert "Đảng ủy phường Đống Đa" not in html
    other = Organization.objects.get(code="DONGDA")
    detail = client.get(reverse("admin:organizations_organization_change", args=[other.pk]))
    assert detail.status_code in (302, 404)
    assert client.get(reverse("admin:organizations_organization_add")).status_code == 403
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403


def test_admin_open_to_superusers(client, world):
    root = make_user("root_admin")
    root.is_superuser = root.is_staff = True
    root.save()
    client.force_login(root)
    html = client.get(reverse("admin:organizations_organization_changelist")).content.decode()
    assert "Đảng ủy xã Ka Đô" in html and "Đảng ủy phường Đống Đa" in html


def test_staff_without_role_sees_no_organization_in_admin(client, world):
    staff = make_user("nhanvien")
    staff.is_staff = True
    staff.save()
    client.force_login(staff)
    assert client.get(reverse("admin:organizations_organization_changelist")).status_code == 403
