"""Reads of the reports app, scoped through organizations.access."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from organizations.access import Action, access_for

from .models import Document, Letter


def documents_visible(*, user) -> QuerySet:
    """Documents of organizations in the user's view scope."""
    return Document.objects.filter(access_for(user).scope_q(Action.VIEW)).select_related("organization")


def document_get(*, user, pk) -> Document:
    try:
        return documents_visible(user=user).select_related("requested_by").get(pk=pk)
    except (Document.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("Không tìm thấy văn bản.") from exc


def documents_of(*, user, organization, limit: int = 50) -> list[Document]:
    access_for(user).require(Action.VIEW, organization)
    return list(
        Document.objects.filter(organization=organization).select_related("requested_by").order_by("-id")[:limit]
    )


def letters_of(*, user, organization) -> QuerySet:
    access_for(user).require(Action.VIEW, organization)
    return Letter.objects.filter(organization=organization).order_by("-issued_on", "-id")


def letter_get(*, user, pk) -> Letter:
    """A letter of an organization in the user's view scope; 404 otherwise."""
    try:
        return Letter.objects.filter(access_for(user).scope_q(Action.VIEW)).select_related("organization").get(pk=pk)
    except (Letter.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("Không tìm thấy công văn.") from exc


def documents_for_subject(*, user, kind: str, subject_id: int, limit: int = 10) -> list[Document]:
    return list(documents_visible(user=user).filter(kind=kind, subject_id=subject_id).order_by("-id")[:limit])


def plan_for_documents(*, user, pk):
    """A plan whose issuer is in the user's view scope (its printed copies are the issuer's documents)."""
    from planning.models import Plan

    try:
        return (
            Plan.objects.filter(access_for(user).scope_q(Action.VIEW, "issuer__path"))
            .select_related("issuer", "number")
            .get(pk=pk)
        )
    except (Plan.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("Không tìm thấy kế hoạch.") from exc


def signed_copies_of(*, user, kind: str, subject_id: int) -> list:
    from .models import SignedCopy

    return list(
        SignedCopy.objects.filter(access_for(user).scope_q(Action.VIEW), document_kind=kind, subject_id=subject_id)
        .select_related("uploaded_by")
        .order_by("-uploaded_at")
    )


def signed_copy_get(*, user, pk):
    from .models import SignedCopy

    try:
        return SignedCopy.objects.filter(access_for(user).scope_q(Action.VIEW)).get(pk=pk)
    except (SignedCopy.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("Không tìm thấy bản đã ký.") from exc
