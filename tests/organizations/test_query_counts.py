"""Tree pages run the same number of SQL queries for a tenant of 100 organizations and one of 10,000."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from organizations.models import MemberCountSnapshot, Organization, Role

from ..factories import grant, make_tenant, make_user, make_wide_tree


def _tenant(code: str, communes: int, cells: int):
    root = make_tenant(f"Tỉnh ủy {code}", code)
    make_wide_tree(root, communes=communes, cells_per_commune=cells)
    root.refresh_from_db()
    import datetime as dt

    MemberCountSnapshot.objects.bulk_create(
        MemberCountSnapshot(organization=org, as_of=dt.date(2024, 12, 31), members=12)
        for org in Organization.objects.in_subtree(root)
    )
    admin = make_user(f"admin_{code}")
    grant(admin, root, Role.TENANT_ADMIN)
    commune = Organization.objects.filter(path__startswith=root.path, depth=2).first()
    return root, commune, admin


def _count(client, user, url) -> int:
    client.force_login(user)
    client.get(reverse("home"))  # the session's first request records its clocks (config.security): not counted
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_tree_pages_query_count_does_not_grow_with_the_tree(client):
    small_root, small_commune, small_admin = _tenant("NHO", communes=3, cells=5)
    big_root, big_commune, big_admin = _tenant("LON", communes=100, cells=100)
    assert Organization.objects.in_subtree(big_root).count() == 10_101
    pages = [
        ("tree", lambda root, commune: reverse("tree")),
        ("tree_children", lambda root, commune: reverse("tree_children", args=[root.pk])),
        ("organization_detail", lambda root, commune: reverse("organization_detail", args=[root.pk])),
        ("organization_detail commune", lambda root, commune: reverse("organization_detail", args=[commune.pk])),
        ("tree search", lambda root, commune: reverse("tree") + "?q=chi+bo+thon+1"),
        ("home", lambda root, commune: reverse("home")),
    ]
    for label, url in pages:
        small = _count(client, small_admin, url(small_root, small_commune))
        big = _count(client, big_admin, url(big_root, big_commune))
        assert small == big, f"{label}: {small} queries for a small tree, {big} for 10,000 organizations"
        assert big <= 12, f"{label}: {big} queries"
