"""A fingerprint of everything in the database, to prove that a refused request wrote nothing."""

from __future__ import annotations

import hashlib

from django.apps import apps

# Sessions change on every request that touches them; they hold no product data.
IGNORED = {"sessions.session"}


def db_snapshot() -> dict[str, tuple[int, str]]:
    """{model label: (row count, digest of every row's values)}."""
    result: dict[str, tuple[int, str]] = {}
    for model in apps.get_models():
        label = model._meta.label_lower
        if label in IGNORED or model._meta.proxy:
            continue
        rows = list(model._default_manager.order_by("pk").values_list())
        result[label] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
    return result


def changed(before: dict, after: dict) -> list[str]:
    return sorted(label for label in before.keys() | after.keys() if before.get(label) != after.get(label))
