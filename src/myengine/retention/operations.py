"""Scheduling anonymisation, previewing a delete, and the erasure receipt."""

import datetime as dt
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from myengine.api.fields import render_timestamp
from myengine.audit.models import AuditEvent
from myengine.clients.models import Client, ClientStatus
from myengine.clock import utcnow
from myengine.credits.models import LedgerEntry
from myengine.errors import ClientNotDeleted
from myengine.jobs.models import Job, JobState
from myengine.jobs.queue import cancel_pending, enqueue
from myengine.live_services.models import LiveService, Suspension, SuspensionCause
from myengine.retention.anonymise import (
    CLIENT_FIELD_REPLACEMENTS,
    LIVE_SERVICE_FIELD_REPLACEMENTS,
    PLACEHOLDER,
)
from myengine.retention.policy import kept_classes
from myengine.settings import Settings

ANONYMISE_JOB = "client.anonymise"
POLICY_PATH = "/policy/data-retention"


def anonymisation_key(client_id: int) -> str:
    return f"{ANONYMISE_JOB}:{client_id}"


def schedule_anonymisation(session: Session, client: Client) -> None:
    """Queue the client's anonymisation for ``anonymise_after``, in the caller's transaction."""
    assert client.anonymise_after is not None, "schedule after setting anonymise_after"
    enqueue(
        session,
        ANONYMISE_JOB,
        {"client_id": client.id},
        run_after=client.anonymise_after,
        dedup_key=anonymisation_key(client.id),
    )


def cancel_anonymisation(session: Session, client: Client) -> int:
    """Cancel the client's pending anonymisation job; return how many were cancelled."""
    return cancel_pending(session, anonymisation_key(client.id))


def describe_delete(
    session: Session, client: Client, *, grace: dt.timedelta, settings: Settings
) -> dict[str, Any]:
    """Describe what ``DELETE /clients/{id}`` would do to ``client`` now, changing nothing."""
    deleted = client.deleted is not None
    services = list(
        session.scalars(
            select(LiveService).where(LiveService.client_id == client.id).order_by(LiveService.id)
        )
    )
    running = [service.id for service in services if service.deleted is None]
    already_suspended = set(
        session.scalars(
            select(Suspension.live_service_id).where(
                Suspension.live_service_id.in_(running),
                Suspension.cause == SuspensionCause.CLIENT_DELETED.value,
                Suspension.lifted.is_(None),
            )
        )
    )
    anonymise_after = client.anonymise_after if deleted else utcnow() + grace

    return {
        "dry_run": True,
        "client_id": client.id,
        "client_status_id": client.client_status_id,
        "would_change": not deleted,
        "client_status_id_after": client.client_status_id if deleted else ClientStatus.DELETED,
        "suspend_live_service_ids": [] if deleted else [
            service_id for service_id in running if service_id not in already_suspended
        ],
        "anonymise_after": render_timestamp(anonymise_after),
        "anonymised": render_timestamp(client.anonymised),
        "terminate_live_service_ids_at_anonymisation": (
            [] if client.anonymised is not None else running
        ),
        "anonymise": _erasures(client, services, erased=client.anonymised,
                               scheduled=anonymise_after),
        "kept": [
            kept.render()
            for kept in kept_classes(
                settings, last_ledger_entry=None, last_audit_event=None, job_finished=None
            )
        ],
        "policy_url": POLICY_PATH,
    }


def erasure_receipt(session: Session, client: Client, *, settings: Settings) -> dict[str, Any]:
    """Build the erasure receipt: each field erased and when, and each class kept and why.

    Raises ``ClientNotDeleted`` for a client that is active or suspended.
    """
    if client.deleted is None:
        raise ClientNotDeleted(
            f"Client {client.id} is not deleted, so nothing of it is erased or scheduled for "
            f"erasure; DELETE /api-v1/clients/{client.id} first, or preview it with "
            "?dry_run=1."
        )

    services = list(
        session.scalars(
            select(LiveService).where(LiveService.client_id == client.id).order_by(LiveService.id)
        )
    )
    service_ids = [service.id for service in services]
    kept = kept_classes(
        settings,
        last_ledger_entry=_last_ledger_entry(session, service_ids),
        last_audit_event=_last_audit_event(session, client.id, service_ids),
        job_finished=_anonymisation_finished(session, client.id),
    )
    return {
        "client_id": client.id,
        "client_status_id": client.client_status_id,
        "deleted": render_timestamp(client.deleted),
        "anonymise_after": render_timestamp(client.anonymise_after),
        "anonymised": render_timestamp(client.anonymised),
        "erased": _erasures(client, services, erased=client.anonymised,
                            scheduled=client.anonymise_after),
        "kept": [entry.render() for entry in kept],
        "policy_url": POLICY_PATH,
    }


def _erasures(
    client: Client,
    services: list[LiveService],
    *,
    erased: dt.datetime | None,
    scheduled: dt.datetime | None,
) -> list[dict[str, Any]]:
    """List one entry per field that the client's anonymisation erased or will erase."""

    def entry(record: str, record_id: int, field: str, replacement: str) -> dict[str, Any]:
        if replacement == PLACEHOLDER:
            replacement = PLACEHOLDER.replace("<client id>", str(client.id))
        return {
            "record": record,
            "record_id": record_id,
            "field": field,
            "replacement": replacement,
            "erased": render_timestamp(erased),
            "scheduled": render_timestamp(scheduled),
        }

    entries = [
        entry("client", client.id, field, replacement)
        for field, replacement in CLIENT_FIELD_REPLACEMENTS.items()
    ]
    for service in services:
        entries.extend(
            entry("live_service", service.id, field, replacement)
            for field, replacement in LIVE_SERVICE_FIELD_REPLACEMENTS.items()
        )
    return entries


def _last_ledger_entry(session: Session, service_ids: list[int]) -> dt.datetime | None:
    if not service_ids:
        return None
    return session.scalar(
        select(func.max(LedgerEntry.created)).where(LedgerEntry.live_service_id.in_(service_ids))
    )


def _last_audit_event(session: Session, client_id: int, service_ids: list[int]) -> dt.datetime | None:
    about_client = (AuditEvent.subject_type == "client") & (AuditEvent.subject_id == client_id)
    conditions = [about_client]
    if service_ids:
        conditions.append(
            (AuditEvent.subject_type == "live_service") & AuditEvent.subject_id.in_(service_ids)
        )
    return session.scalar(select(func.max(AuditEvent.occurred)).where(or_(*conditions)))


def _anonymisation_finished(session: Session, client_id: int) -> dt.datetime | None:
    return session.scalar(
        select(func.max(Job.finished)).where(
            Job.dedup_key == anonymisation_key(client_id), Job.state == JobState.DONE.value
        )
    )
