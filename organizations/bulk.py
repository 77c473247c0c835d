"""Adding many nodes at once (tree import, demo data, benchmarks) without one round trip per node.

treebeard's add_child locks the parent and writes three rows per node; here the paths are computed in
Python from one read of the tenant's paths, then written with bulk_create, inside the caller's transaction.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Case, F, IntegerField, Value, When

from .models import Organization


@dataclass
class NodeSpec:
    """A node to add: `parent` is an existing Organization or the `key` of a spec earlier in the list."""

    key: str
    parent: Organization | str
    fields: dict = field(default_factory=dict)


def _step(index: int) -> str:
    encoded = Organization._int2str(index)
    if len(encoded) > Organization.steplen:
        raise ValueError("Quá nhiều tổ chức trực thuộc một tổ chức.")
    return encoded.rjust(Organization.steplen, "0")


@transaction.atomic
def bulk_add(specs: list[NodeSpec], *, tenant_id: int, batch_size: int = 2000) -> dict[str, Organization]:
    """Create the nodes of `specs` (parents before children); returns them by key."""
    existing_parents = {s.parent.path for s in specs if isinstance(s.parent, Organization)}
    last_index: Counter[str] = Counter()
    if existing_parents:
        for parent_path in existing_parents:
            depth = len(parent_path) // Organization.steplen + 1
            last = (
                Organization.objects.filter(path__startswith=parent_path, depth=depth)
                .order_by("-path")
                .values_list("path", flat=True)
                .first()
            )
            if last:
                last_index[parent_path] = Organization._str2int(last[-Organization.steplen :])
    created: dict[str, Organization] = {}
    added_children: Counter[str] = Counter()
    nodes: list[Organization] = []
    for spec in specs:
        parent_path = spec.parent.path if isinstance(spec.parent, Organization) else created[spec.parent].path
        last_index[parent_path] += 1
        added_children[parent_path] += 1
        path = parent_path + _step(last_index[parent_path])
        node = Organization(path=path, depth=len(path) // Organization.steplen, numchild=0, tenant_id=tenant_id)
        for name, value in spec.fields.items():
            setattr(node, name, value)
        node.fill_derived()
        created[spec.key] = node
        nodes.append(node)
    for node in nodes:
        node.numchild = added_children.get(node.path, 0)
    Organization.objects.bulk_create(nodes, batch_size=batch_size)
    if existing_parents:
        whens = [When(path=p, then=Value(added_children[p])) for p in existing_parents]
        Organization.objects.filter(path__in=existing_parents).update(
            numchild=F("numchild") + Case(*whens, default=Value(0), output_field=IntegerField())
        )
    return created
