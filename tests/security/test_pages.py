"""Every page of the access matrix, opened by every role inside its scope: strict CSP with no inline script or
event handler, no framing, no caching, CSRF token in every POST form, no sensitive field in a GET form, and
nothing of the other tenant (its organizations, people, candidates, plans) anywhere on the page."""

from __future__ import annotations

import re

import pytest
from django.db import transaction
from django.urls import reverse

from tests.access.registry import ROLE_MAY, all_cases
from tests.candidates.factories import make_candidate
from tests.planning.access_cases import _plan
from tests.reports.access_cases import _letter

SENSITIVE_NAMES = ("national_id", "ethnicity", "religion", "family_notes")
FORM_RE = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S | re.I)


def _own(world, role):
    return {"cell_secretary": world.cell, "tenant_admin": world.root}.get(role, world.commune)


def _tenant_b_markers(world) -> list[str]:
    """Distinctive data in tenant B that no page of tenant A may show."""
    make_candidate(world.cell_b, full_name="Quách Thị Bê", national_id="001199000777", religion="Cao Đài")
    plan = _plan(world.commune_b)
    plan.title = "Kế hoạch riêng của Đống Đa"
    plan.save(update_fields=["title"])
    letter = _letter(world.commune_b)
    letter.summary = "Công văn riêng Đống Đa"
    letter.save(update_fields=["summary"])
    return [
        "Quách Thị Bê",
        "001199000777",
        "Kế hoạch riêng của Đống Đa",
        "Công văn riêng Đống Đa",
        world.root_b.name,
        world.commune_b.name,
        world.cell_b.name,
        "Vũ Thu Hà",
        "Đỗ Ngọc Mai",
    ]


def _page_problems(name: str, response, markers: list[str]) -> list[str]:
    problems = []
    policy = response.get("Content-Security-Policy", "")
    if "script-src 'self'" not in policy or "unsafe-inline" in policy or "unsafe-eval" in policy:
        problems.append(f"{name}: weak CSP {policy!r}")
    if "frame-ancestors 'none'" not in policy or response.get("X-Frame-Options") != "DENY":
        problems.append(f"{name}: may be framed")
    if "no-store" not in response.get("Cache-Control", ""):
        problems.append(f"{name}: cacheable ({response.get('Cache-Control')!r})")
    content_type = response.get("Content-Type", "")
    if not content_type.startswith("text/html"):
        return problems
    html = response.content.decode()
    for tag in re.findall(r"<script\b[^>]*>", html, re.I):
        if "src=" not in tag and 'type="application/json"' not in tag:
            problems.append(f"{name}: inline script {tag}")
    if re.search(r"<[^>]+\son[a-z]+\s*=", html, re.I):
        problems.append(f"{name}: inline event handler")
    if re.search(r"javascript:", html, re.I):
        problems.append(f"{name}: javascript: URL")
    if re.search(r"<[^>]+\sstyle\s*=", html, re.I):
        problems.append(f"{name}: inline style attribute (CSP style-src 'self' blocks it)")
    for attributes, body in FORM_RE.findall(html):
        if re.search(r'method\s*=\s*"?post', attributes, re.I):
            if "csrfmiddlewaretoken" not in body:
                problems.append(f"{name}: POST form without CSRF token: <form{attributes}>")
        else:
            for field in SENSITIVE_NAMES:
                if re.search(rf'name="{field}"', body):
                    problems.append(f"{name}: sensitive field {field} in a GET form")
    leaked = [marker for marker in markers if marker in html]
    if leaked:
        problems.append(f"{name}: shows other tenant's {leaked}")
    return problems


@pytest.mark.parametrize("role", sorted(ROLE_MAY))
def test_every_page_in_scope_is_safe(client, world, role):
    markers = _tenant_b_markers(world)
    client.force_login(world.users[role])
    problems, seen = [], 0
    for name, case in sorted(all_cases().items()):
        if case.action is not None and case.action not in ROLE_MAY[role]:
            continue
        args, data = case.make(world, _own(world, role) if case.action else world.commune)
        if data is not None and name != "candidate_sensitive":
            continue
        url = reverse(name, args=args)
        with transaction.atomic():
            response = client.post(url, data) if data is not None else client.get(url)
            transaction.set_rollback(True)
        if response.status_code != 200:
            continue
        seen += 1
        problems += _page_problems(name, response, markers)
    assert seen >= 25, seen
    assert not problems, "\n".join(problems)


def test_login_and_error_pages_are_safe(client, world):
    for response in (client.get(reverse("login")), client.get("/khong-co-trang-nay/")):
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
    html = client.get(reverse("login")).content.decode()
    assert "csrfmiddlewaretoken" in html
    assert not re.search(r"<script\b(?![^>]*src=)[^>]*>", html)


def test_every_template_post_form_has_a_csrf_token():
    from pathlib import Path

    from django.conf import settings

    missing = []
    for path in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for attributes, body in FORM_RE.findall(text):
            if re.search(r'method\s*=\s*"?post', attributes, re.I) and "csrf_token" not in body:
                missing.append(f"{path.name}: <form{attributes}>")
    assert not missing, "\n".join(missing)


def test_csrf_is_enforced_on_a_modifying_post(world):
    from django.test import Client

    from candidates.models import Candidate

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["cell_secretary"])
    response = client.post(reverse("candidate_add", args=[world.cell.pk]), {"full_name": "Lê Văn Tâm"})
    assert response.status_code == 403 and not Candidate.objects.exists()
    # htmx requests carry the token in the X-CSRFToken header set on <body>; without it they are refused too.
    response = client.post(reverse("candidate_sensitive", args=[make_candidate(world.cell).pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 403
