"""The main forms fed with hostile input (hypothesis): random text, huge and negative numbers, impossible dates,
Unicode oddities (decomposed accents, zero-width and bidi marks), SQL-ish and HTML/JS payloads, in every field of
every POST form on the page. Expected: no server error and no traceback, HTML escaped, nothing written when the
form is refused. Field names are read from the rendered page, so a new field is attacked without editing this."""

from __future__ import annotations

import re

import pytest
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.candidates.factories import make_candidate
from tests.planning.access_cases import _plan, _target_form

from .snapshot import changed, db_snapshot

XSS = '"><script id="xss-probe">alert(1)</script><img src=x onerror=alert(1)>'
PAYLOADS = [
    XSS,
    "' OR '1'='1' --",
    "1; DROP TABLE candidates_candidate;--",
    "31/02/2025",
    "00/13/2025",
    "29/02/2023",
    "2025-02-31",
    "01/01/0001",
    "31/12/9999",
    "-1",
    "-999999999999",
    "99999999999999999999999999999",
    "1e309",
    "NaN",
    "1.234.567",
    "Nguye\u0302\u0303n Thi\u0323 A\u0301nh",  # decomposed accents
    "Lê\u200bVăn\u200d Tâm",  # zero-width space / joiner
    "\u202eTâm Văn Lê",  # right-to-left override
    "\ufeff\u00a0 ",
    "\x00",
    "%00../../etc/passwd",
    "{{ 7*7 }}{% debug %}",
    "A" * 5000,
    "",
]
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60)
HOSTILE = st.one_of(st.sampled_from(PAYLOADS), TEXT, st.integers(min_value=-(10**20), max_value=10**20).map(str))
# Multiple-choice id fields crash on ids beyond 64 bits (Django's `pk__in` has no overflow guard): a known issue
# pinned by tests/security/test_known_issues.py; here they get ids inside the 64-bit range only.
MULTI_CHOICE_IDS = {"categories"}
BOUNDED = st.one_of(
    st.sampled_from([p for p in PAYLOADS if not p.strip("-").isdigit() or len(p) < 18]),
    TEXT,
    st.integers(min_value=-(2**63) + 1, max_value=2**63 - 1).map(str),
)
OK_STATUS = {200, 302, 400, 403, 404}
FORM_RE = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S | re.I)
FIELD_RE = re.compile(r'<(?:input|select|textarea)\b[^>]*\bname="([^"]+)"', re.I)


def _post_fields(html: str) -> list[str]:
    names: set[str] = set()
    for attributes, body in FORM_RE.findall(html):
        if re.search(r'method\s*=\s*"?post', attributes, re.I):
            names |= set(FIELD_RE.findall(body))
    names -= {"csrfmiddlewaretoken", "token"}
    return sorted(names)


def _cell_candidate(world):
    return make_candidate(world.cell)


FORMS = {
    "organization_add": ("tenant_admin", lambda w: reverse("organization_add", args=[w.commune.pk])),
    "organization_edit": ("tenant_admin", lambda w: reverse("organization_edit", args=[w.cell.pk])),
    "organization_move": ("tenant_admin", lambda w: reverse("organization_move", args=[w.sibling_cell.pk])),
    "member_counts": ("office_staff", lambda w: reverse("member_counts", args=[w.cell.pk])),
    "organization_roles": ("tenant_admin", lambda w: reverse("organization_roles", args=[w.commune.pk])),
    "plan_create": ("office_staff", lambda w: reverse("plan_create", args=[w.commune.pk])),
    "plan_targets": ("office_staff", lambda w: reverse("plan_targets", args=[_plan(w.commune).pk])),
    "allocation_grid": ("office_staff", lambda w: reverse("allocation_grid", args=[_plan(w.commune).pk])),
    "plan_issue": ("office_staff", lambda w: reverse("plan_issue", args=[_plan(w.commune).pk])),
    "candidate_add": ("cell_secretary", lambda w: reverse("candidate_add", args=[w.cell.pk])),
    "candidate_edit": ("cell_secretary", lambda w: reverse("candidate_edit", args=[_cell_candidate(w).pk])),
    "candidate_step": (
        "cell_secretary",
        lambda w: reverse("candidate_step", args=[_cell_candidate(w).pk, "outstanding"]),
    ),
    "candidate_transfer": ("office_staff", lambda w: reverse("candidate_transfer", args=[_cell_candidate(w).pk])),
    "candidate_person_add": (
        "cell_secretary",
        lambda w: reverse("candidate_person_add", args=[_cell_candidate(w).pk]),
    ),
    "class_add": ("cell_secretary", lambda w: reverse("class_add", args=[w.cell.pk])),
    "letter_create": ("office_staff", lambda w: reverse("letter_create", args=[w.commune.pk])),
}


@pytest.mark.parametrize("form_name", sorted(FORMS))
def test_form_survives_hostile_input(client, world, form_name):
    role, make_url = FORMS[form_name]
    url = make_url(world)
    client.force_login(world.users[role])
    names = _post_fields(client.get(url).content.decode())
    assert names, f"{form_name}: no POST form found on {url}"

    @settings(
        max_examples=25,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        derandomize=True,
    )
    @given(st.fixed_dictionaries({name: BOUNDED if name in MULTI_CHOICE_IDS else HOSTILE for name in names}))
    def attack(payload):
        with transaction.atomic():
            before = db_snapshot()
            response = client.post(url, payload)
            after = db_snapshot()
            transaction.set_rollback(True)
        html = response.content.decode(errors="replace")
        assert response.status_code in OK_STATUS, f"{form_name}: {response.status_code} for {payload!r}"
        assert "Traceback" not in html and "Exception Value" not in html
        assert '<script id="xss-probe">' not in html and "<img src=x onerror" not in html
        if response.status_code != 302:
            assert not changed(before, after), f"{form_name}: refused form wrote {changed(before, after)}"

    attack()


def test_targets_form_with_a_valid_shape_but_hostile_numbers_writes_nothing(client, world):
    plan = _plan(world.commune)
    client.force_login(world.users["office_staff"])
    url = reverse("plan_targets", args=[plan.pk])
    for low, high in (("-5", ""), ("10", "2"), ("9" * 30, ""), ("1e3", ""), ("5", "-1")):
        before = db_snapshot()
        response = client.post(url, {**_target_form(), "kind": "range", "low": low, "high": high})
        assert response.status_code == 200, (low, high)
        assert not changed(before, db_snapshot()), (low, high)


def test_stored_html_is_escaped_everywhere_it_is_shown(client, world):
    candidate = make_candidate(world.cell, full_name=XSS[:150], occupation=XSS[:100])
    world.cell.name = XSS[:200]
    world.cell.save(update_fields=["name"])
    client.force_login(world.users["office_staff"])
    for url in (
        reverse("candidate_detail", args=[candidate.pk]),
        reverse("candidate_list", args=[world.commune.pk]),
        reverse("organization_detail", args=[world.cell.pk]),
        reverse("tree_children", args=[world.base.pk]),
        reverse("dashboard", args=[world.commune.pk]),
        reverse("due_list", args=[world.commune.pk]),
    ):
        html = client.get(url).content.decode()
        assert 'id="xss-probe"' not in html and "<img src=x" not in html, url
