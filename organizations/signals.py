"""Signals other apps listen to. organizations knows nothing of them; they keep their own copies right."""

from django.dispatch import Signal

# Sent inside the transaction that moved a node: every path that started with `old_path` now starts with
# `new_path` (candidates and events keep a copy of their cell's path for subtree counts).
subtree_moved = Signal()  # kwargs: tenant_id, old_path, new_path
