"""Importing the organization tree from a spreadsheet: validate the whole file, then write it in one transaction.

The import starts at an organization X. Invariants:
* every row's organization and parent lie in X's subtree; X may be a row (to rename it) but does not move;
* a code is unique in the tenant: a code used outside X's subtree cannot be imported here;
* existing codes are updated (a changed parent is a move), new codes are created under their parent, which is
  an existing organization or another row of the file, in any order;
* the tree stays a tree: a move never puts a node under its own descendant, even through other rows;
* nothing is written unless every row is valid; then one audit event records the counts.

Why not import-export's row-by-row import here: see the docstring of ``organizations.resources``.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from treebeard.exceptions import InvalidMoveToDescendant, PathOverflow

from config.errors import ApplicationError
from config.text import fold

from .access import Action, access_for
from .bulk import NodeSpec, bulk_add
from .models import AuditEvent, Organization, OrganizationKind, Sector
from .services import audit, node_move
from .spreadsheets import (
    ACTION_CREATE,
    ACTION_MOVE,
    ACTION_UNCHANGED,
    ACTION_UPDATE,
    ImportResult,
    RowReport,
    read_sheet,
)

logger = logging.getLogger(__name__)

PREVIEW_COLUMNS = ["Mã", "Mã cấp trên", "Tên tổ chức", "Loại"]
STEP = Organization.steplen


@dataclass
class TreeRow:
    """One data row of a tree file. `sector` / `issuer_code` are None when the file has no such column."""

    number: int
    code: str | None
    parent_code: str | None
    name: str | None
    kind: str | None
    sector: str | None = None
    issuer_code: str | None = None


@dataclass
class _Planned:
    row: TreeRow
    report: RowReport
    existing: Organization | None = None
    parent_row: str | None = None  # code of the parent when it is a row of the file
    parent_org: Organization | None = None  # the parent when it is an existing organization not in the file
    kind: OrganizationKind | None = None
    sector: Sector | None = None
    changes: dict | None = None
    moves: bool = False


def _chunks(items: list[str], size: int = 500):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _lookup(options) -> dict[str, object]:
    """Name or code, folded; a tenant's own kind/sector wins over a shared one of the same name."""
    table: dict[str, object] = {}
    for option in sorted(options, key=lambda o: o.tenant_id is not None):
        table[fold(option.name)] = option
        table[fold(option.code)] = option
    return table


class _TreePlan:
    def __init__(self, at: Organization, rows: list[TreeRow]):
        self.at = at
        self.items = [
            _Planned(
                row=row,
                report=RowReport(
                    number=row.number, cells=[row.code or "", row.parent_code or "", row.name or "", row.kind or ""]
                ),
            )
            for row in rows
        ]
        self.result = ImportResult(columns=PREVIEW_COLUMNS, rows=[item.report for item in self.items])
        self.by_code: dict[str, _Planned] = {}
        self.inside: dict[str, Organization] = {}
        self.outside: dict[str, Organization] = {}
        self.at_parent_code = ""
        self._row_code_by_path: dict[str, str] = {}
        self._depths: dict[str, int] = {}

    # -- loading --------------------------------------------------------------------------------------------

    def load(self) -> None:
        codes = sorted({c for item in self.items for c in (item.row.code, item.row.parent_code) if c})
        for chunk in _chunks(codes):
            queryset = Organization.objects.filter(tenant_id=self.at.tenant_id, code__in=chunk)
            for organization in queryset.select_related("kind", "sector"):
                target = self.inside if organization.path.startswith(self.at.path) else self.outside
                target[organization.code] = organization
        if self.at.depth > 1:
            parent_path = self.at.path[:-STEP]
            self.at_parent_code = Organization.objects.filter(path=parent_path).values_list("code", flat=True)[0]
        self.kinds = _lookup(OrganizationKind.objects.for_tenant(self.at.tenant_id))
        self.sectors = _lookup(Sector.objects.for_tenant(self.at.tenant_id))

    # -- checks ---------------------------------------------------------------------------------------------

    def check(self) -> None:
        if self.at.is_dissolved:
            self.result.file_errors.append(f"“{self.at.name}” đã giải thể / sáp nhập; không nhập được vào đây.")
            return
        rows_by_code: dict[str, list[_Planned]] = defaultdict(list)
        for item in self.items:
            if item.row.code:
                rows_by_code[item.row.code].append(item)
        for code, same in rows_by_code.items():
            self.by_code[code] = same[0]
            if len(same) > 1:
                numbers = ", ".join(str(i.row.number) for i in same)
                for item in same:
                    item.report.errors.append(f"Mã “{code}” xuất hiện ở nhiều dòng ({numbers}).")
        for item in self.items:
            self._check_fields(item)
            self._check_code(item)
            self._check_parent(item)
        self._check_cycles()
        for item in self.items:
            if not item.report.errors:
                self._decide(item)

    def _check_fields(self, item: _Planned) -> None:
        row, errors = item.row, item.report.errors
        if not row.code:
            errors.append("Thiếu mã tổ chức (cột “Mã”).")
        elif len(row.code) > 40:
            errors.append("Mã tổ chức dài quá 40 ký tự.")
        if not row.name:
            errors.append("Tên tổ chức không được để trống.")
        elif len(row.name) > 255:
            errors.append("Tên tổ chức dài quá 255 ký tự.")
        if not row.kind:
            errors.append("Thiếu loại tổ chức (cột “Loại”).")
        else:
            item.kind = self.kinds.get(fold(row.kind))
            if item.kind is None:
                errors.append(
                    f"Không có loại tổ chức “{row.kind}”; hãy ghi tên hoặc mã của một loại có sẵn, "
                    "ví dụ “Chi bộ trực thuộc” hoặc “chi-bo”."
                )
            else:
                item.report.cells[3] = item.kind.name
        if row.sector:
            item.sector = self.sectors.get(fold(row.sector))
            if item.sector is None:
                errors.append(f"Không có khối “{row.sector}”.")
        if row.issuer_code and len(row.issuer_code) > 20:
            errors.append("Ký hiệu dài quá 20 ký tự.")

    def _check_code(self, item: _Planned) -> None:
        code = item.row.code
        if not code:
            return
        if code in self.outside:
            other = self.outside[code]
            item.report.errors.append(
                f"Mã “{code}” đã được dùng cho “{other.name}”, không thuộc “{self.at.name}”; hãy dùng mã khác."
            )
            return
        item.existing = self.inside.get(code)
        if item.existing is not None and item.existing.is_dissolved:
            item.report.errors.append(
                f"“{item.existing.name}” đã giải thể / sáp nhập từ {item.existing.valid_to:%d/%m/%Y}; "
                "không sửa được qua bảng tính."
            )

    def _check_parent(self, item: _Planned) -> None:
        row, errors = item.row, item.report.errors
        parent_code = row.parent_code or ""
        if row.code and row.code == self.at.code:
            if parent_code not in ("", self.at_parent_code):
                errors.append(
                    f"“{self.at.name}” là nơi bắt đầu nhập nên không chuyển được; "
                    "hãy để trống cột “Mã cấp trên” của dòng này."
                )
            return
        if not parent_code:
            errors.append("Thiếu mã cấp trên (cột “Mã cấp trên”).")
        elif parent_code == row.code:
            errors.append("Tổ chức không thể trực thuộc chính nó.")
        elif parent_code in self.by_code:
            item.parent_row = parent_code
        elif parent_code in self.inside:
            item.parent_org = self.inside[parent_code]
            if item.parent_org.is_dissolved:
                errors.append(f"Tổ chức cấp trên “{item.parent_org.name}” đã giải thể / sáp nhập.")
        elif parent_code in self.outside:
            errors.append(
                f"Tổ chức cấp trên “{parent_code}” không thuộc “{self.at.name}”; "
                "chỉ nhập được các tổ chức trong phạm vi này."
            )
        else:
            errors.append(f"Không tìm thấy tổ chức cấp trên mã “{parent_code}” (trong tệp và trong “{self.at.name}”).")

    # -- the tree after the import --------------------------------------------------------------------------

    def _row_above(self, organization: Organization) -> str | None:
        """The row of the file nearest above `organization` (itself not a row), up to X; None if there is none."""
        for end in range(len(organization.path) - STEP, len(self.at.path) - 1, -STEP):
            code = self._row_code_by_path.get(organization.path[:end])
            if code is not None:
                return code
        return None

    def _next_up(self, code: str) -> str | None:
        """The next row met going up from row `code` in the tree as it will be after the import."""
        item = self.by_code[code]
        if item.parent_row is not None:
            return item.parent_row
        if item.parent_org is not None:
            return self._row_above(item.parent_org)
        return None

    def _check_cycles(self) -> None:
        self._row_code_by_path = {
            item.existing.path: code for code, item in self.by_code.items() if item.existing is not None
        }
        done: set[str] = set()
        for start in self.by_code:
            chain: list[str] = []
            on_chain: set[str] = set()
            current: str | None = start
            while current is not None and current not in done:
                if current in on_chain:
                    cycle = chain[chain.index(current) :]
                    if len(cycle) == 1:
                        item = self.by_code[current]
                        message = (
                            f"Không thể chuyển “{item.row.code}” vào tổ chức cấp dưới của chính nó "
                            f"(“{item.row.parent_code}”)."
                        )
                    else:
                        message = "Vòng lặp cấp trên: " + " → ".join([*cycle, current]) + "."
                    for code in cycle:
                        self.by_code[code].report.errors.append(message)
                    break
                chain.append(current)
                on_chain.add(current)
                current = self._next_up(current)
            done.update(chain)

    def final_depth(self, code: str) -> int:
        """Depth of row `code` after the import (called once the rows are known to be acyclic)."""
        chain: list[tuple[str, int]] = []  # (row, its depth minus the depth of the next row up)
        current = code
        while current not in self._depths:
            item = self.by_code[current]
            if item.parent_row is not None:
                chain.append((current, 1))
                current = item.parent_row
                continue
            if item.parent_org is None:  # X itself
                self._depths[current] = self.at.depth
                break
            above = self._row_above(item.parent_org)
            if above is None:
                self._depths[current] = item.parent_org.depth + 1
                break
            # organizations between `above` and the parent keep their places below `above`
            chain.append((current, item.parent_org.depth - self.by_code[above].existing.depth + 1))
            current = above
        depth = self._depths[current]
        for link, delta in reversed(chain):
            depth += delta
            self._depths[link] = depth
        return self._depths[code]

    # -- what each row does ---------------------------------------------------------------------------------

    def _decide(self, item: _Planned) -> None:
        row, existing = item.row, item.existing
        if existing is None:
            item.report.action = ACTION_CREATE
            return
        changes: dict[str, tuple] = {}
        if row.name != existing.name:
            changes["name"] = (existing.name, row.name)
        if item.kind.pk != existing.kind_id:
            changes["kind"] = (existing.kind.name, item.kind.name)
        if row.sector is not None and (item.sector.pk if item.sector else None) != existing.sector_id:
            old_sector = existing.sector.name if existing.sector else ""
            changes["sector"] = (old_sector, item.sector.name if item.sector else "")
        if row.issuer_code and row.issuer_code != existing.issuer_code:
            changes["issuer_code"] = (existing.issuer_code, row.issuer_code)
        current_parent = existing.path[:-STEP]
        if existing.pk != self.at.pk:
            if item.parent_row is not None:
                parent = self.by_code[item.parent_row].existing
                item.moves = parent is None or parent.path != current_parent
            else:
                item.moves = item.parent_org.path != current_parent
        labels = {"name": "Tên", "kind": "Loại", "sector": "Khối", "issuer_code": "Ký hiệu"}
        item.changes = changes
        item.report.changes = [f"{labels[k]}: “{old}” → “{new}”" for k, (old, new) in changes.items()]
        if item.moves:
            item.report.action = ACTION_MOVE
            item.report.changes.insert(0, f"Chuyển sang trực thuộc “{row.parent_code}”")
        else:
            item.report.action = ACTION_UPDATE if changes else ACTION_UNCHANGED

    # -- writing --------------------------------------------------------------------------------------------

    def write(self) -> dict[str, int]:
        updated = [item for item in self.items if item.existing is not None and item.changes]
        for item in updated:
            organization = item.existing
            organization.name = item.row.name
            organization.kind = item.kind
            if item.row.sector is not None:
                organization.sector = item.sector
            if item.row.issuer_code:
                organization.issuer_code = item.row.issuer_code
            organization.fill_derived()
        if updated:
            Organization.objects.bulk_update(
                [item.existing for item in updated],
                ["name", "kind", "sector", "issuer_code", "search_text", "name_key"],
            )
        new = sorted((i for i in self.items if i.existing is None), key=lambda i: self.final_depth(i.row.code))
        specs = [
            NodeSpec(
                key=item.row.code,
                parent=item.parent_org if item.parent_row is None else self._spec_parent(item.parent_row),
                fields={
                    "name": item.row.name,
                    "code": item.row.code,
                    "kind": item.kind,
                    "sector": item.sector,
                    "issuer_code": item.row.issuer_code or item.kind.default_issuer_code,
                },
            )
            for item in new
        ]
        if specs:
            bulk_add(specs, tenant_id=self.at.tenant_id)
        moving = sorted((i for i in self.items if i.moves), key=lambda i: self.final_depth(i.row.code))
        for item in moving:
            node = Organization.objects.get(pk=item.existing.pk)
            parent_code = item.parent_row or item.parent_org.code
            target = Organization.objects.get(tenant_id=self.at.tenant_id, code=parent_code)
            node_move(node, target)
        counts = {
            "created": len(new),
            "updated": sum(1 for i in updated if not i.moves),
            "moved": len(moving),
            "unchanged": sum(1 for i in self.items if i.report.action == ACTION_UNCHANGED),
        }
        return counts

    def _spec_parent(self, code: str):
        """A parent row that already exists is given as the organization, a new one by its key."""
        existing = self.by_code[code].existing
        return existing if existing is not None else code


def tree_import(
    *, actor, at: Organization, rows: list[TreeRow], dry_run: bool = False, filename: str = ""
) -> ImportResult:
    """Validate the rows as a whole and, unless `dry_run`, write them (all or nothing) with one audit event.

    With `dry_run` the result lists each row's action and errors. Without it an invalid file raises
    ApplicationError whose `errors` map row numbers to messages, and nothing is written.
    `actor` None means a management command: the scope is then simply the subtree of `at`.
    """
    if actor is not None:
        access_for(actor).require(Action.MANAGE_TREE, at)
    with transaction.atomic():
        # One import at a time per subtree root (a no-op lock on SQLite, a row lock on PostgreSQL).
        at = Organization.objects.select_for_update().get(pk=at.pk)
        plan = _TreePlan(at, rows)
        plan.load()
        plan.check()
        result = plan.result
        if dry_run:
            return result
        result.raise_if_invalid()
        if all(row.action == ACTION_UNCHANGED for row in result.rows):
            return result
        try:
            counts = plan.write()
        except (IntegrityError, InvalidMoveToDescendant, PathOverflow, ValueError) as exc:
            logger.warning("tree import at %s failed while writing: %s", at.pk, exc)
            raise ApplicationError(
                "Không ghi được cây tổ chức: dữ liệu vừa bị thay đổi hoặc cây quá rộng. Hãy xem trước và thử lại."
            ) from exc
        audit(
            actor=actor,
            organization=at,
            kind=AuditEvent.Kind.IMPORT,
            summary=(
                f"Nhập cây tổ chức tại “{at.name}”: thêm mới {counts['created']}, cập nhật {counts['updated']}, "
                f"chuyển {counts['moved']}"
            ),
            data={**counts, "file": filename[:200], "what": "tree"},
        )
        result.written = True
        return result


def tree_import_file(*, actor, at: Organization, source, filename: str = "", dry_run: bool = False) -> ImportResult:
    """Read a file safely, turn it into rows with OrganizationResource and import it (see tree_import)."""
    from .resources import OrganizationResource

    sheet = read_sheet(source, filename=filename)
    rows = OrganizationResource.rows_from(sheet)
    return tree_import(actor=actor, at=at, rows=rows, dry_run=dry_run, filename=sheet.filename)
