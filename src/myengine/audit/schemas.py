"""The wire representation of an audit event."""

from typing import Any

from pydantic import BaseModel, Field

from myengine.api.fields import render_timestamp
from myengine.audit.models import AuditEvent

AUDIT_EVENT_FIELDS = (
    "id", "occurred", "action", "subject_type", "subject_id", "actor_type", "partner_id",
    "api_key_id", "job_id", "request_id", "correlation_id", "details",
)


def render_event(event: AuditEvent) -> dict[str, Any]:
    return {
        "id": event.id,
        "occurred": render_timestamp(event.occurred),
        "action": event.action,
        "subject_type": event.subject_type,
        "subject_id": event.subject_id,
        "actor_type": event.actor_type,
        "partner_id": event.partner_id,
        "api_key_id": event.api_key_id,
        "job_id": event.job_id,
        "request_id": event.request_id,
        "correlation_id": event.correlation_id,
        "details": event.details or {},
    }


class AuditEventOut(BaseModel):
    """An audit event as the API returns it (documentation model)."""

    id: int
    occurred: str = Field(description="When the change was made, ISO 8601 UTC.")
    action: str = Field(description="What changed, such as `client.deleted`.")
    subject_type: str = Field(description="The kind of record changed: `client`, `live_service`, ...")
    subject_id: int = Field(description="The id of the record changed; it may no longer exist.")
    actor_type: str = Field(
        description="`api_key` (a call with one of your keys), `portal_user` (one of your "
        "users in the partner portal), `operator` (the platform's command line) or `worker` "
        "(a background job such as anonymisation)."
    )
    partner_id: int
    api_key_id: int | None = Field(description="The key that made the call; never the key itself.")
    job_id: int | None = Field(description="The job that made the change, for `worker` events.")
    request_id: str | None = Field(description="The request's `X-Request-Id`, for API calls.")
    correlation_id: str = Field(
        description="Shared by every change of one operation, such as a delete and the "
        "suspensions it caused."
    )
    details: dict[str, Any] = Field(
        description="Ids, counts, flags, timestamps and codes; never a personal value."
    )
