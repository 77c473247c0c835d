"""A cell secretary takes a person from source to full member through the pages, as a new user would."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from candidates.models import Candidate
from candidates.stages import Stage
from organizations.models import Category

PASSWORD = "matkhau-thu-nghiem"


def _post_ok(client, url, data):
    response = client.post(url, data)
    if response.status_code != 302:
        errors = re.findall(r'class="error"[^>]*>(.*?)</', response.content.decode())
        raise AssertionError(f"{url}: {response.status_code} {errors}")
    return response


def _follow_link(client, page_url, url):
    """The page at `page_url` must link to `url` (the user clicks it); returns the linked page."""
    page = client.get(page_url)
    assert page.status_code == 200
    assert f'href="{url}"' in page.content.decode(), f"{page_url} has no link to {url}"
    response = client.get(url)
    assert response.status_code == 200
    return response


@pytest.mark.django_db
def test_candidate_journey_from_source_to_full_member_in_the_browser(client, world):
    assert client.login(username="bithu", password=PASSWORD)
    cell = world.cell
    home = client.get(reverse("home")).content.decode()
    assert 'name="viewport"' in home and "Việc cần làm" in home
    list_url = reverse("candidate_list", args=[cell.pk])
    _follow_link(client, reverse("home"), list_url)
    add_url = reverse("candidate_add", args=[cell.pk])
    form_page = _follow_link(client, list_url, add_url).content.decode()
    assert 'placeholder="dd/mm/yyyy"' in form_page
    youth = Category.objects.get(code="doan-vien", tenant__isnull=True)
    response = _post_ok(
        client,
        add_url,
        {
            "full_name": "Hoàng  Thị Ánh",
            "listed_on": "02/01/2023",
            "sex": "female",
            "birth_date": "17/05/1998",
            "education": "upper_secondary",
            "occupation": "Giáo viên",
            "workplace": "Trường THPT Pró",
            "phone": "0912 345 678",
            "national_id": "068198001234",
            "ethnicity": "Kinh",
            "religion": "Không",
            "categories": [youth.pk],
        },
    )
    candidate = Candidate.objects.get(full_name="Hoàng Thị Ánh")
    detail_url = reverse("candidate_detail", args=[candidate.pk])
    assert response["Location"] == detail_url
    assert "068198001234" not in response.url

    def step(code, **data):
        step_url = reverse("candidate_step", args=[candidate.pk, code])
        _follow_link(client, detail_url, step_url)
        version = Candidate.objects.get(pk=candidate.pk).version
        _post_ok(client, step_url, {**data, "version": version})

    step("outstanding", outstanding_on="06/01/2023", helper_name="Lê Văn Tâm", helper_cell="Chi bộ Giáo viên 1")

    # The commune's office opens an awareness class; the secretary enrols the candidate and records the result.
    client.logout()
    assert client.login(username="vanphong", password=PASSWORD)
    _post_ok(
        client,
        reverse("class_add", args=[world.commune.pk]),
        {
            "kind": "awareness",
            "name": "Lớp nhận thức về Đảng khóa 1/2023",
            "organizer": "Trung tâm Chính trị xã Ka Đô",
            "place": "Hội trường xã",
            "starts_on": "06/03/2023",
            "ends_on": "09/03/2023",
            "certificate_on": "10/03/2023",
        },
    )
    client.logout()
    assert client.login(username="bithu", password=PASSWORD)
    classes = client.get(reverse("class_list", args=[cell.pk])).content.decode()
    class_pk = int(re.search(r'href="/quan-chung/lop/(\d+)/"', classes).group(1))
    enrol_url = reverse("class_enrol", args=[class_pk])
    _post_ok(client, enrol_url, {"candidates": [candidate.pk]})
    results_url = reverse("class_results", args=[class_pk])
    page = client.get(results_url).content.decode()
    enrolment_pk = int(re.search(r'name="form-0-enrolment" value="(\d+)"', page).group(1))
    _post_ok(
        client,
        results_url,
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-enrolment": enrolment_pk,
            "form-0-result": "passed",
            "form-0-certificate_number": "GCN-0231",
            "form-0-certificate_on": "10/03/2023",
        },
    )
    assert Candidate.objects.get(pk=candidate.pk).stage == Stage.TRAINED

    person_url = reverse("candidate_person_add", args=[candidate.pk])
    for name in ("Nguyễn Văn Bình", "Trần Thị Mai"):
        _post_ok(
            client,
            person_url,
            {
                "role": "introducer",
                "kind": "member",
                "full_name": name,
                "cell_name": "Chi bộ Giáo viên 1",
                "together_since": "01/09/2021",
            },
        )
    step("dossier", dossier_on="03/04/2023", history_on="03/04/2023")
    step(
        "cell_resolution",
        cell_resolution_number="12-NQ/CB",
        cell_resolution_on="05/05/2023",
        cell_votes_for="8",
        cell_members_counted="10",
    )
    step(
        "base_resolution",
        base_resolution_number="35-NQ/ĐU",
        base_resolution_on="15/05/2023",
        base_votes_for="9",
        base_members_counted="11",
    )
    step(
        "admission",
        decision_number="135-QĐ/ĐU",
        decision_on="02/06/2023",
        decision_body="Ban Thường vụ Đảng ủy xã Ka Đô",
        decision_votes_for="5",
        decision_members_counted="7",
    )
    step("ceremony", ceremony_on="20/06/2023", helper_name="Lê Văn Tâm")
    step("new_member_certificate", new_member_cert_number="ĐVM-045", new_member_cert_on="15/09/2023")
    step(
        "recognition",
        recognition_cell_resolution_on="26/06/2024",
        recognition_votes_for="9",
        recognition_members_counted="10",
        recognition_number="16-QĐ/ĐU",
        recognition_on="10/07/2024",
        recognition_body="Ban Thường vụ Đảng ủy xã Ka Đô",
    )

    candidate.refresh_from_db()
    assert candidate.stage == Stage.FULL_MEMBER
    assert candidate.full_member_from == dt.date(2024, 6, 20)
    page = client.get(detail_url).content.decode()
    assert "Đảng viên chính thức" in page
    for number in ("GCN-0231", "12-NQ/CB", "35-NQ/ĐU", "135-QĐ/ĐU", "ĐVM-045", "16-QĐ/ĐU"):
        assert number in page, number
    timeline = page[page.index('class="timeline"') :]
    dates = re.findall(r'<span class="when">(\d\d/\d\d/\d{4})</span>', timeline)
    assert dates == [
        "02/01/2023",
        "06/01/2023",
        "10/03/2023",
        "03/04/2023",
        "05/05/2023",
        "15/05/2023",
        "02/06/2023",
        "20/06/2023",
        "15/09/2023",
        "10/07/2024",
    ]
    assert "068198001234" not in page  # shown only after "Xem", and logged


@pytest.mark.django_db
def test_candidate_step_page_explains_a_refused_step_in_vietnamese(client, world):
    from .factories import make_candidate

    candidate = make_candidate(world.cell)
    client.force_login(world.users["cell_secretary"])
    page = client.get(reverse("candidate_step", args=[candidate.pk, "admission"])).content.decode()
    assert "Không thể thực hiện “Quyết định kết nạp (9-KNĐ)” khi quần chúng đang ở bước “Nguồn”" in page


@pytest.mark.django_db
def test_candidate_step_post_with_wrong_date_shows_vietnamese_error(client, world):
    from .factories import make_candidate

    candidate = make_candidate(world.cell)
    client.force_login(world.users["cell_secretary"])
    url = reverse("candidate_step", args=[candidate.pk, "outstanding"])
    response = client.post(url, {"outstanding_on": "31/02/2025", "helper_name": "A", "version": 1})
    assert response.status_code == 200
    assert "Ngày không hợp lệ, hãy nhập theo dạng dd/mm/yyyy" in response.content.decode()


@pytest.mark.django_db
def test_candidate_edit_stale_form_is_told_and_nothing_overwritten(client, world):
    from .factories import make_candidate

    candidate = make_candidate(world.cell, occupation="Nông dân")
    client.force_login(world.users["cell_secretary"])
    url = reverse("candidate_edit", args=[candidate.pk])
    data = {
        "full_name": candidate.full_name,
        "sex": "male",
        "birth_date": "17/05/2000",
        "occupation": "Công nhân",
        "version": 1,
    }
    _post_ok(client, url, data)
    response = client.post(url, {**data, "occupation": "Kế toán"})
    assert "vừa được người khác cập nhật" in response.content.decode()
    candidate.refresh_from_db()
    assert candidate.occupation == "Công nhân"


@pytest.mark.django_db
def test_candidate_list_search_without_diacritics_sorted_by_given_name(client, world):
    from .factories import make_candidate

    for name in ("Trần Văn Bình", "Nguyễn Thị Ánh", "Lê Đức Anh", "Phạm Văn Đạt"):
        make_candidate(world.cell, full_name=name)
    client.force_login(world.users["cell_secretary"])
    page = client.get(reverse("candidate_list", args=[world.cell.pk])).content.decode()
    names = re.findall(r'<a href="/quan-chung/\d+/"><strong>([^<]+)</strong>', page)
    assert names[:4] == ["Lê Đức Anh", "Nguyễn Thị Ánh", "Trần Văn Bình", "Phạm Văn Đạt"]
    page = client.get(reverse("candidate_list", args=[world.cell.pk]), {"q": "van binh"}).content.decode()
    assert "Trần Văn Bình" in page and "Phạm Văn Đạt" not in page


@pytest.mark.django_db
def test_due_list_shows_overdue_in_red_and_organization_column_for_a_committee(client, world):
    from .factories import make_candidate

    today = dt.date.today()
    make_candidate(world.cell, full_name="Vũ Thị Hạnh", stage=Stage.ADMITTED, next_due_on=today - dt.timedelta(days=3))
    make_candidate(
        world.sibling_cell,
        full_name="Bùi Văn Long",
        stage=Stage.CELL_PROPOSED,
        next_due_on=today + dt.timedelta(days=12),
    )
    make_candidate(
        world.cell, full_name="Đỗ Văn Nam", stage=Stage.CELL_PROPOSED, next_due_on=today + dt.timedelta(days=60)
    )
    client.force_login(world.users["office_staff"])
    page = client.get(reverse("due_list", args=[world.commune.pk])).content.decode()
    assert "Vũ Thị Hạnh" in page and "Bùi Văn Long" in page and "Đỗ Văn Nam" not in page
    assert 'class="cand-card overdue"' in page and "Quá hạn 3 ngày" in page
    assert "Chi bộ Giáo viên 2" in page
