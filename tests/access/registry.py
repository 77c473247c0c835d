"""Every URL of the product with what it needs, for the access matrix.

Each app adds its URLs in `tests/<app>/access_cases.py` as a dict `CASES: {url_name: UrlCase}`; the matrix
test fails when a URL pattern has no case. The expectations below are written from DESIGN.md, independently
of organizations.access, so a change of policy in the code without a change here is caught.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field

import tests

# What each role may do, inside its subtree (DESIGN.md "Users and what they do").
ROLE_MAY = {
    "office_staff": {
        "view",
        "view_sensitive",
        "edit_plans",
        "manage_candidates",
        "request_documents",
        "manage_member_counts",
    },
    "cell_secretary": {"view", "view_sensitive", "manage_candidates", "request_documents"},
    "review_board": {"view", "view_sensitive", "approve", "request_documents"},
    "tenant_admin": {"view", "manage_tree", "manage_roles", "manage_member_counts"},
}


@dataclass
class UrlCase:
    """How to reach one URL pattern for an object placed at organization `org`.

    `make(world, org)` returns (args, post_data or None); with post_data the request is a POST.
    `action` is what the role needs at `org`; None means any signed-in user may open it (no object).
    """

    action: str | None
    make: Callable = field(default=lambda world, org: ([org.pk], None))
    ok: tuple[int, ...] = (200, 302)


def all_cases() -> dict[str, UrlCase]:
    cases: dict[str, UrlCase] = {}
    for module in pkgutil.iter_modules(tests.__path__):
        if not module.ispkg:
            continue
        try:
            found = importlib.import_module(f"tests.{module.name}.access_cases")
        except ModuleNotFoundError as exc:
            if exc.name != f"tests.{module.name}.access_cases":
                raise
            continue
        duplicated = set(cases) & set(found.CASES)
        assert not duplicated, f"URL cases defined twice: {duplicated}"
        cases.update(found.CASES)
    return cases
