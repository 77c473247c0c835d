"""Walk every URL pattern as every role, inside and outside its subtree and across two tenants.

Expected: 200/302 inside the scope when the role may do the action; 403 inside the scope when it may not;
404 outside the scope (a sibling branch, another tenant). Unauthenticated requests go to the login page.
"""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.access.registry import ROLE_MAY, all_cases

PUBLIC = {"login", "logout", "health"}


def _url_names(patterns=None, namespace=None) -> set[str]:
    names: set[str] = set()
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            inner = f"{namespace}:{pattern.namespace}" if namespace and pattern.namespace else pattern.namespace
            names |= _url_names(pattern.url_patterns, inner or namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)
    return names


def test_every_url_pattern_has_an_access_case():
    cases = all_cases()
    missing = _url_names() - PUBLIC - set(cases)
    stale = set(cases) - _url_names()
    assert not missing, f"URL patterns without an access case: {sorted(missing)}"
    assert not stale, f"Access cases for URLs that no longer exist: {sorted(stale)}"


def _targets(world, role: str):
    """(label, organization, inside?) for a role: its own node, a node beside it, a node of another tenant."""
    if role == "cell_secretary":
        return [("own", world.cell, True), ("sibling", world.sibling_cell, False), ("tenant_b", world.cell_b, False)]
    if role == "tenant_admin":
        return [("own", world.commune, True), ("root", world.root, True), ("tenant_b", world.commune_b, False)]
    return [
        ("own", world.commune, True),
        ("below", world.cell, True),
        ("sibling", world.other_commune, False),
        ("tenant_b", world.commune_b, False),
    ]


def _request(client, name: str, case, world, org):
    args, data = case.make(world, org)
    url = reverse(name, args=args)
    with transaction.atomic():
        response = client.post(url, data) if data is not None else client.get(url)
        transaction.set_rollback(True)
    return url, response


@pytest.mark.parametrize("role", sorted(ROLE_MAY))
def test_url_matrix(client, world, role):
    client.force_login(world.users[role])
    failures = []
    for name, case in sorted(all_cases().items()):
        targets = [("global", world.commune, True)] if case.action is None else _targets(world, role)
        for label, org, inside in targets:
            url, response = _request(client, name, case, world, org)
            if case.action is None:
                expected = case.ok
            elif not inside:
                expected = (404,)
            elif case.action in ROLE_MAY[role]:
                expected = case.ok
            else:
                expected = (403,)
            if response.status_code not in expected:
                failures.append(f"{role} {name} [{label}] {url}: {response.status_code}, expected {expected}")
    assert not failures, "\n".join(failures)


def test_user_without_role_finds_nothing(client, world):
    client.force_login(world.users["nobody"])
    for name, case in sorted(all_cases().items()):
        if case.action is None:
            continue
        url, response = _request(client, name, case, world, world.commune)
        assert response.status_code == 404, f"{name} {url}: {response.status_code}"


def test_anonymous_is_sent_to_login(client, world):
    for name, case in sorted(all_cases().items()):
        url, response = _request(client, name, case, world, world.commune)
        assert response.status_code == 302, f"{name} {url}: {response.status_code}"
        assert response["Location"].startswith(reverse("login")), name


def test_health_answers_without_login(client, db):
    response = client.get(reverse("health"))
    assert response.status_code == 200 and response.content == b"ok"
