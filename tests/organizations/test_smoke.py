from django.urls import reverse


def test_home_page_shows_current_organization_in_breadcrumb(client, world):
    client.force_login(world.users["cell_secretary"])
    response = client.get(reverse("home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Chi bộ Giáo viên 1" in html
    # The breadcrumb starts at the secretary's own cell: nothing above their scope.
    assert "Đảng ủy xã Ka Đô" not in html
