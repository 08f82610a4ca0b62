"""Listing live services with ``fields``, ``search`` and keyset paging."""

from fastapi import Request
from fastapi.responses import JSONResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from myengine.api import envelope
from myengine.api.listing import (
    SearchField,
    keyset,
    parse_fields,
    parse_page,
    parse_search,
    project,
    split_page,
)
from myengine.live_services.models import LiveService
from myengine.live_services.products import PRODUCT_FIELDS, domain_search_value
from myengine.live_services.schemas import SERVICE_FIELDS, render_service
from myengine.live_services.suspensions import active_causes

SEARCHABLE = {
    "id": SearchField(LiveService.id, int),
    "client_id": SearchField(LiveService.client_id, int),
    "service_name": SearchField(LiveService.service_name, str),
    "product": SearchField(LiveService.product, str),
    "status": SearchField(LiveService.status, str),
    "domain": SearchField(LiveService.domain, str, normalise=domain_search_value),
    "whmcs_service_id": SearchField(LiveService.whmcs_service_id, str),
}

LISTABLE_FIELDS = (*SERVICE_FIELDS, *PRODUCT_FIELDS)


def respond(
    request: Request,
    session: Session,
    *,
    fields: str | None,
    search: str | None,
    limit: str | None,
    cursor: str | None,
    client_id: int | None = None,
    product: str | None = None,
) -> JSONResponse:
    """Return one page of the partner's services, optionally limited to a client or a product."""
    selected = parse_fields(fields, LISTABLE_FIELDS)
    conditions = parse_search(search, SEARCHABLE)
    page = parse_page(limit, cursor)

    statement = select(LiveService).where(*conditions)
    if client_id is not None:
        statement = statement.where(LiveService.client_id == client_id)
    if product is not None:
        statement = statement.where(LiveService.product == product)
    rows = list(session.scalars(keyset(statement, LiveService.id, page)))
    services, has_more, next_cursor = split_page(rows, page, lambda service: service.id)

    causes = active_causes(session, [service.id for service in services])
    items = [
        project(_with_product_fields(render_service(service, causes[service.id])), selected)
        for service in services
    ]
    return envelope.page(request, items, has_more=has_more, next_cursor=next_cursor)


def _with_product_fields(item: dict) -> dict:  # type: ignore[type-arg]
    """Give every item every listable key, so `fields` may name a product field on any list."""
    for name in PRODUCT_FIELDS:
        item.setdefault(name, None)
    return item
