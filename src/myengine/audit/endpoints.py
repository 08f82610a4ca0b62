"""HTTP layer for /audit_events: the partner's own audit trail."""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from myengine.api import envelope
from myengine.api.envelope import ListEnvelope
from myengine.api.listing import (
    CursorParam,
    LimitParam,
    parse_fields,
    parse_page,
    parse_search,
    project,
)
from myengine.api.dependencies import ReadSession
from myengine.api.openapi import LIST_ERRORS, error_responses
from myengine.audit import operations
from myengine.audit.schemas import AUDIT_EVENT_FIELDS, AuditEventOut, render_event

router = APIRouter(tags=["Audit trail"])


@router.get(
    "/audit_events",
    response_model=ListEnvelope[AuditEventOut],
    responses=error_responses(*LIST_ERRORS),
)
def list_audit_events(
    request: Request,
    session: ReadSession,
    fields: Annotated[
        str | None, Query(description="Rison list of keys to return, e.g. `!(id,action)`.")
    ] = None,
    search: Annotated[
        str | None,
        Query(
            description="Rison object of conditions on `id`, `action`, `subject_type`, "
            "`subject_id`, `actor_type`, `api_key_id`, `request_id` and `correlation_id`, "
            "e.g. `(subject_type:client,subject_id:'9987608')`."
        ),
    ] = None,
    limit: LimitParam = None,
    cursor: CursorParam = None,
) -> JSONResponse:
    """List the partner's audit events, oldest first, with `fields`, `search` and keyset paging."""
    selected = parse_fields(fields, AUDIT_EVENT_FIELDS)
    conditions = parse_search(search, operations.SEARCHABLE)
    page = parse_page(limit, cursor)
    result = operations.list_events(session, conditions, page)
    items = [project(render_event(event), selected) for event in result.events]
    return envelope.page(request, items, has_more=result.has_more, next_cursor=result.next_cursor)
