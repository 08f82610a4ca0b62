"""The classes of data the platform keeps, and the rule that ends each one.

``docs/data-retention.md`` (served at ``/policy/data-retention``) explains each class at
length; the deletion preview and the erasure receipt quote the short rules below.
"""

import datetime as dt
import enum
from dataclasses import dataclass
from typing import Any

from myengine.api.fields import render_timestamp
from myengine.settings import Settings


class DataClass(enum.StrEnum):
    CLIENT_PERSONAL_FIELDS = "client_personal_fields"
    CLIENT_RECORD = "client_record"
    LIVE_SERVICE_RECORDS = "live_service_records"
    CREDIT_LEDGER = "credit_ledger"
    AUDIT_TRAIL = "audit_trail"
    JOB_QUEUE = "job_queue"
    IDEMPOTENCY_KEYS = "idempotency_keys"
    REQUEST_LOGS = "request_logs"


@dataclass(frozen=True)
class KeptClass:
    """A class of records that outlives the client's anonymisation."""

    data_class: DataClass
    records: str
    reason: str
    retention: str
    # When the class is purged, where it can be computed; None when it has no fixed end.
    purge_after: dt.datetime | None

    def render(self) -> dict[str, Any]:
        return {
            "class": self.data_class.value,
            "records": self.records,
            "reason": self.reason,
            "retention": self.retention,
            "purge_after": render_timestamp(self.purge_after),
        }


def kept_classes(
    settings: Settings,
    *,
    last_ledger_entry: dt.datetime | None,
    last_audit_event: dt.datetime | None,
    job_finished: dt.datetime | None,
) -> list[KeptClass]:
    """List the classes kept after a client's anonymisation, with the purge dates known so far.

    Each date argument is the time of the newest record of that class about the client, or
    None when there is none yet. The class is purged its retention period after that time.
    """

    def after(moment: dt.datetime | None, days: int) -> dt.datetime | None:
        return moment + dt.timedelta(days=days) if moment is not None else None

    return [
        KeptClass(
            DataClass.CLIENT_RECORD,
            "the client's id, status, flags and timestamps, with every personal field erased",
            "live services and credit ledger entries refer to the client by id",
            "while the partner account exists",
            None,
        ),
        KeptClass(
            DataClass.LIVE_SERVICE_RECORDS,
            "the client's live services (product, package, status, timestamps) and their "
            "suspension history, with domains, billing references and text settings erased",
            "the partner's service history and the ledger refer to them",
            "while the partner account exists",
            None,
        ),
        KeptClass(
            DataClass.CREDIT_LEDGER,
            "Partner Credit movements for the client's services",
            "the partner's accounting record of what was charged and refunded",
            f"{settings.ledger_retention_days} days after each entry",
            after(last_ledger_entry, settings.ledger_retention_days),
        ),
        KeptClass(
            DataClass.AUDIT_TRAIL,
            "audit events about the client and its services (ids, actions, actors, times)",
            "evidence of who changed what, for the partner and the platform",
            f"{settings.audit_retention_days} days after each event",
            after(last_audit_event, settings.audit_retention_days),
        ),
        KeptClass(
            DataClass.JOB_QUEUE,
            "the anonymisation job (its kind and the client's id)",
            "shows that the anonymisation ran, and when",
            f"{settings.job_retention_days} days after the job finished",
            after(job_finished, settings.job_retention_days),
        ),
        KeptClass(
            DataClass.REQUEST_LOGS,
            "log lines of the requests about the client (ids, event names, request ids)",
            "operating the service; the platform writes them to its standard output and "
            "stores none itself",
            "as long as the operator's log store keeps them",
            None,
        ),
    ]
