"""With the demo data, the dashboard of Huyện ủy Đơn Dương shows its 15 base organizations against seed 002's quotas."""

import io

from django.contrib.auth import get_user_model
from django.core.management import call_command

from organizations.demo import DON_DUONG_BASE_ORGANIZATIONS
from organizations.models import Organization
from reports import dashboards


def test_demo_dashboard_of_don_duong_shows_seed_002_quotas(db):
    call_command("load_demo", "--if-empty", stdout=io.StringIO())
    board = get_user_model().objects.get(username="ld_bantochuc")
    district = Organization.objects.get(code="DONDUONG")
    progress = dashboards.quota_progress(user=board, organization=district)
    assert progress.year == 2025 and progress.plan.number_text == "12-KH/HU"
    shown = [(row.label, row.cells["ket-nap"].quota, row.cells["ket-nap:hoc-sinh"].quota) for row in progress.rows]
    expected = []
    for name, text in DON_DUONG_BASE_ORGANIZATIONS:
        pupils = 1 if "HS" in text else None
        expected.append((name, int(text[:2]), pupils))
    assert shown == expected
    assert progress.total.cells["ket-nap"].quota == 91
    assert progress.total.cells["ket-nap:hoc-sinh"].quota == 4
    achieved = progress.total.cells["ket-nap"].achieved
    assert 0 < achieved == sum(row.cells["ket-nap"].achieved for row in progress.rows)
    # The demo is loaded once: a second run adds nothing.
    call_command("load_demo", stdout=io.StringIO())
    again = dashboards.quota_progress(user=board, organization=district)
    assert again.total.cells["ket-nap"].achieved == achieved
