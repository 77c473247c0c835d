"""Every write to the tree, the roles and the member counts: one transaction each, with an audit row."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from config.errors import ApplicationError
from config.text import nfc

from .access import Action, access_for
from .models import (
    AuditEvent,
    MemberCountSnapshot,
    Organization,
    OrganizationKind,
    Role,
    RoleAssignment,
    Sector,
)
from .signals import subtree_moved


def audit(*, actor, organization: Organization | None, kind: str, summary: str, data: dict | None = None) -> None:
    tenant_id = organization.tenant_id if organization is not None else None
    AuditEvent.objects.create(
        tenant_id=tenant_id,
        organization=organization,
        actor=actor if actor is not None and actor.is_authenticated else None,
        kind=kind,
        summary=summary[:400],
        data=data or {},
    )


def node_move(node: Organization, new_parent: Organization) -> Organization:
    """Move a node (and its subtree) under `new_parent` as its last child, and tell the apps that keep path copies.

    The caller checks scope and validity and holds the transaction."""
    old_path = node.path
    Organization.objects.move(node, new_parent, "last-child")
    node.refresh_from_db()
    subtree_moved.send(sender=Organization, tenant_id=node.tenant_id, old_path=old_path, new_path=node.path)
    return node


def _clean_org_fields(*, tenant_id: int | None, name: str, code: str, kind: OrganizationKind, exclude_pk=None):
    name, code = nfc(name), nfc(code)
    errors: dict[str, list[str]] = {}
    if not name:
        errors.setdefault("name", []).append("Tên tổ chức không được để trống.")
    if not code:
        errors.setdefault("code", []).append("Mã tổ chức không được để trống.")
    if kind is None:
        errors.setdefault("kind", []).append("Chưa chọn loại tổ chức.")
    elif kind.tenant_id not in (None, tenant_id):
        errors.setdefault("kind", []).append("Loại tổ chức không thuộc đảng bộ này.")
    if code and tenant_id is not None:
        clash = Organization.objects.filter(tenant_id=tenant_id, code=code)
        if exclude_pk is not None:
            clash = clash.exclude(pk=exclude_pk)
        if clash.exists():
            errors.setdefault("code", []).append(f"Mã “{code}” đã được dùng cho tổ chức khác trong đảng bộ.")
    if errors:
        raise ApplicationError("Thông tin tổ chức chưa hợp lệ.", errors=errors)
    return name, code


@transaction.atomic
def tenant_create(*, name: str, code: str, kind: OrganizationKind, issuer_code: str = "", **fields) -> Organization:
    """A new tenant: a tree root whose tenant is itself. Only superusers (or the demo loader) create tenants."""
    name, code = nfc(name), nfc(code)
    if not name or not code:
        raise ApplicationError("Tên và mã của đảng bộ không được để trống.")
    if Organization.objects.filter(depth=1, code=code).exists():
        raise ApplicationError(f"Đã có đảng bộ mã “{code}”.")
    root = Organization.objects.add_root(
        instance=Organization(name=name, code=code, kind=kind, issuer_code=issuer_code, **fields)
    )
    root.tenant = root
    root.save(update_fields=["tenant"])
    return root


@transaction.atomic
def organization_create(
    *,
    actor,
    parent: Organization,
    name: str,
    code: str,
    kind: OrganizationKind,
    short_name: str = "",
    sector: Sector | None = None,
    issuer_code: str = "",
    place_name: str = "",
    valid_from: dt.date | None = None,
) -> Organization:
    """Add a node under `parent`. Invariant: the code is unique in the tenant; parent and kind are in the tenant."""
    access_for(actor).require(Action.MANAGE_TREE, parent)
    if parent.is_dissolved:
        raise ApplicationError("Không thể thêm tổ chức vào một tổ chức đã giải thể.")
    name, code = _clean_org_fields(tenant_id=parent.tenant_id, name=name, code=code, kind=kind)
    child = Organization(
        tenant_id=parent.tenant_id,
        name=name,
        code=code,
        kind=kind,
        short_name=short_name,
        sector=sector,
        issuer_code=nfc(issuer_code) or kind.default_issuer_code,
        place_name=nfc(place_name),
        valid_from=valid_from,
    )
    child = Organization.objects.add_child(parent, instance=child)
    audit(
        actor=actor,
        organization=child,
        kind=AuditEvent.Kind.ORG_CREATED,
        summary=f"Thêm “{child.name}” vào “{parent.name}”",
        data={"code": child.code, "parent": parent.code},
    )
    return child


ORG_EDITABLE_FIELDS = (
    "name",
    "short_name",
    "code",
    "kind",
    "sector",
    "issuer_code",
    "place_name",
    "valid_from",
)


@transaction.atomic
def organization_update(*, actor, organization: Organization, **changes) -> Organization:
    """Rename or re-describe a node; records the old and new value of each changed field."""
    access_for(actor).require(Action.MANAGE_TREE, organization)
    unknown = set(changes) - set(ORG_EDITABLE_FIELDS)
    if unknown:
        raise ApplicationError("Trường không được phép sửa: " + ", ".join(sorted(unknown)))
    locked = Organization.objects.select_for_update().get(pk=organization.pk)
    name, code = _clean_org_fields(
        tenant_id=locked.tenant_id,
        name=changes.get("name", locked.name),
        code=changes.get("code", locked.code),
        kind=changes.get("kind", locked.kind),
        exclude_pk=locked.pk,
    )
    changes["name"], changes["code"] = name, code
    diff = {}
    for field, value in changes.items():
        if isinstance(value, str):
            value = nfc(value)
        old = getattr(locked, field)
        if old != value:
            diff[field] = [str(old or ""), str(value or "")]
            setattr(locked, field, value)
    if diff:
        locked.save()
        audit(
            actor=actor,
            organization=locked,
            kind=AuditEvent.Kind.ORG_UPDATED,
            summary=f"Sửa thông tin “{locked.name}”",
            data=diff,
        )
    return locked


@transaction.atomic
def organization_move(*, actor, organization: Organization, new_parent: Organization) -> Organization:
    """Move a node (with its subtree) under another parent of the same tenant, never into its own subtree."""
    access = access_for(actor)
    access.require(Action.MANAGE_TREE, organization)
    access.require(Action.MANAGE_TREE, new_parent)
    if organization.depth == 1:
        raise ApplicationError("Không thể chuyển tổ chức gốc của đảng bộ.")
    if new_parent.tenant_id != organization.tenant_id:
        raise ApplicationError("Không thể chuyển tổ chức sang đảng bộ khác.")
    if new_parent.path.startswith(organization.path):
        raise ApplicationError("Không thể chuyển một tổ chức vào chính nó hoặc tổ chức cấp dưới của nó.")
    if new_parent.is_dissolved:
        raise ApplicationError("Không thể chuyển vào một tổ chức đã giải thể.")
    old_parent_path = organization.path[: -organization.steplen]
    if new_parent.path == old_parent_path:
        raise ApplicationError("Tổ chức đã trực thuộc tổ chức này.")
    old_parent = Organization.objects.get(path=old_parent_path)
    node_move(organization, new_parent)
    audit(
        actor=actor,
        organization=organization,
        kind=AuditEvent.Kind.ORG_MOVED,
        summary=f"Chuyển “{organization.name}” từ “{old_parent.name}” sang “{new_parent.name}”",
        data={"from": old_parent.code, "to": new_parent.code},
    )
    return organization


@transaction.atomic
def organization_dissolve(
    *,
    actor,
    organization: Organization,
    on: dt.date,
    successor: Organization | None = None,
    reason: str = "",
) -> Organization:
    """Dissolve or merge a node: it stays in history with its validity end and successor; nothing is deleted.

    Lower organizations of a merged node are moved under the successor; those of a dissolved node must be
    moved or dissolved first, so no organization is left under a node that no longer exists.
    """
    access = access_for(actor)
    access.require(Action.MANAGE_TREE, organization)
    if organization.depth == 1:
        raise ApplicationError("Không thể giải thể tổ chức gốc của đảng bộ.")
    if organization.is_dissolved:
        raise ApplicationError("Tổ chức này đã giải thể hoặc sáp nhập.")
    if organization.valid_from and on < organization.valid_from:
        raise ApplicationError("Ngày giải thể không được trước ngày thành lập.")
    active_children = Organization.objects.filter(
        path__startswith=organization.path, depth=organization.depth + 1, valid_to__isnull=True
    )
    if successor is not None:
        access.require(Action.MANAGE_TREE, successor)
        if successor.tenant_id != organization.tenant_id:
            raise ApplicationError("Tổ chức kế thừa phải thuộc cùng đảng bộ.")
        if successor.path.startswith(organization.path):
            raise ApplicationError("Tổ chức kế thừa không được là chính nó hoặc tổ chức cấp dưới của nó.")
        if successor.is_dissolved:
            raise ApplicationError("Tổ chức kế thừa đã giải thể.")
        for child in list(active_children):
            node_move(child, successor)
            successor.refresh_from_db()
        organization.refresh_from_db()
    elif active_children.exists():
        raise ApplicationError(
            "Tổ chức còn tổ chức trực thuộc đang hoạt động: hãy chọn tổ chức kế thừa (sáp nhập) "
            "hoặc chuyển các tổ chức trực thuộc trước."
        )
    organization.valid_to = on
    organization.successor = successor
    organization.dissolution_note = nfc(reason)
    organization.save(update_fields=["valid_to", "successor", "dissolution_note"])
    RoleAssignment.objects.active().filter(organization=organization).update(revoked_at=timezone.now())
    summary = (
        f"Sáp nhập “{organization.name}” vào “{successor.name}”" if successor else f"Giải thể “{organization.name}”"
    )
    audit(
        actor=actor,
        organization=organization,
        kind=AuditEvent.Kind.ORG_DISSOLVED,
        summary=f"{summary} từ ngày {on:%d/%m/%Y}",
        data={"on": on.isoformat(), "successor": successor.code if successor else None, "reason": reason},
    )
    return organization


PASSWORD_MESSAGES = {
    "password_too_short": "Mật khẩu quá ngắn: cần ít nhất 8 ký tự.",
    "password_too_common": "Mật khẩu quá phổ biến, dễ đoán.",
    "password_entirely_numeric": "Mật khẩu không được chỉ gồm chữ số.",
    "password_too_similar": "Mật khẩu quá giống tên đăng nhập hoặc họ tên.",
}


def _password_message(error: ValidationError) -> str:
    return PASSWORD_MESSAGES.get(error.code, "Mật khẩu chưa đủ an toàn.")


@transaction.atomic
def role_grant(
    *,
    actor,
    organization: Organization,
    role: str,
    username: str,
    full_name: str = "",
    password: str = "",
) -> RoleAssignment:
    """Grant `role` on `organization` to an account of this tenant, creating the account if it is new.

    An account that already works in another tenant cannot be given a role here (tenants never share people).
    """
    access_for(actor).require(Action.MANAGE_ROLES, organization)
    if role not in Role.values:
        raise ApplicationError("Vai trò không hợp lệ.")
    if organization.is_dissolved:
        raise ApplicationError("Không thể giao vai trò tại tổ chức đã giải thể.")
    username = nfc(username)
    if not username:
        raise ApplicationError("Tên đăng nhập không được để trống.", errors={"username": ["Bắt buộc."]})
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is None:
        names = nfc(full_name).rsplit(" ", 1)
        user = User(username=username, first_name=names[-1], last_name=names[0] if len(names) > 1 else "")
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise ApplicationError(
                "Mật khẩu ban đầu chưa đủ an toàn.",
                errors={"password": [_password_message(e) for e in error.error_list]},
            ) from error
        user.set_password(password)
        user.save()
    else:
        other_tenants = (
            RoleAssignment.objects.filter(user=user).exclude(organization__tenant_id=organization.tenant_id).exists()
        )
        if other_tenants or user.is_superuser:
            raise ApplicationError("Tên đăng nhập này đã được dùng, hãy chọn tên khác.")
    try:
        with transaction.atomic():
            assignment = RoleAssignment.objects.create(
                user=user, organization=organization, role=role, granted_by=actor
            )
    except IntegrityError as exc:
        raise ApplicationError("Người dùng đã có vai trò này tại tổ chức này.") from exc
    if role == Role.TENANT_ADMIN and not user.is_staff:
        # Tenant administrators may read their subtree in Django admin (read-only, scoped by admin.py).
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    audit(
        actor=actor,
        organization=organization,
        kind=AuditEvent.Kind.ROLE_GRANTED,
        summary=f"Giao vai trò “{assignment.get_role_display()}” tại “{organization.name}” cho {user.username}",
        data={"user": user.username, "role": role},
    )
    return assignment


@transaction.atomic
def role_revoke(*, actor, assignment: RoleAssignment) -> RoleAssignment:
    access_for(actor).require(Action.MANAGE_ROLES, assignment.organization)
    if assignment.revoked_at is not None:
        raise ApplicationError("Vai trò này đã được thu hồi.")
    if assignment.user_id == actor.pk and assignment.role == Role.TENANT_ADMIN:
        raise ApplicationError("Không thể tự thu hồi vai trò quản trị của chính mình.")
    assignment.revoked_at = timezone.now()
    assignment.save(update_fields=["revoked_at"])
    audit(
        actor=actor,
        organization=assignment.organization,
        kind=AuditEvent.Kind.ROLE_REVOKED,
        summary=(
            f"Thu hồi vai trò “{assignment.get_role_display()}” tại “{assignment.organization.name}” "
            f"của {assignment.user.username}"
        ),
        data={"user": assignment.user.username, "role": assignment.role},
    )
    return assignment


@transaction.atomic
def member_count_record(
    *,
    actor,
    organization: Organization,
    as_of: dt.date,
    members: int,
    probationary: int | None = None,
    note="",
) -> MemberCountSnapshot:
    """Record (or correct) the number of members of an organization at a date."""
    access_for(actor).require(Action.MANAGE_MEMBER_COUNTS, organization)
    if members is None or members < 0:
        raise ApplicationError("Số đảng viên phải là số không âm.")
    if probationary is not None and (probationary < 0 or probationary > members):
        raise ApplicationError("Số đảng viên dự bị phải từ 0 đến tổng số đảng viên.")
    snapshot, created = MemberCountSnapshot.objects.update_or_create(
        organization=organization,
        as_of=as_of,
        defaults={"members": members, "probationary": probationary, "note": nfc(note)},
    )
    audit(
        actor=actor,
        organization=organization,
        kind=AuditEvent.Kind.MEMBER_COUNT,
        summary=f"Số đảng viên của “{organization.name}” tính đến {as_of:%d/%m/%Y}: {members}",
        data={"as_of": as_of.isoformat(), "members": members, "created": created},
    )
    return snapshot


def current_organization_set(*, request, organization_pk: int) -> Organization:
    """Switch where the user works (the organization switcher)."""
    from .middleware import SESSION_KEY

    organization = access_for(request.user).get_organization(organization_pk)
    request.session[SESSION_KEY] = organization.pk
    return organization
