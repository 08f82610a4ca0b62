"""HTTP layer for /clients: parse, call one operation, render the envelope."""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from myengine.api import envelope
from myengine.api.dependencies import ReadSession, WriteSession, get_settings
from myengine.api.envelope import Envelope, ListEnvelope
from myengine.api.fields import ResourceId
from myengine.api.listing import (
    CursorParam,
    LimitParam,
    parse_fields,
    parse_page,
    parse_search,
    project,
)
from myengine.api.openapi import BODY_ERRORS, LIST_ERRORS, error_responses
from myengine.clients import operations
from myengine.clients.schemas import (
    CLIENT_FIELDS,
    ClientCreate,
    ClientOut,
    ClientUpdate,
    EnableBody,
    PartnerRecordOut,
    render_client,
)
from myengine.errors import (
    ClientAnonymised,
    ClientDeleted,
    ClientNotDeleted,
    ClientNotFound,
    ExternalUseridTaken,
    InvalidParameter,
    PartnerRecordReadOnly,
    UsernameTaken,
)
from myengine.live_services import listing as service_listing
from myengine.live_services.endpoints import FieldsParam as ServiceFieldsParam
from myengine.live_services.endpoints import SearchParam as ServiceSearchParam
from myengine.live_services.schemas import LiveServiceOut
from myengine.retention.schemas import DeletionPreviewOut, ErasureReceiptOut

router = APIRouter(tags=["Clients"])

FieldsParam = Annotated[
    str | None,
    Query(description="Rison list of keys to return, e.g. `!(id,username)`."),
]
SearchParam = Annotated[
    str | None,
    Query(
        description="Rison object of conditions on "
        + ", ".join(f"`{name}`" for name in operations.SEARCHABLE)
        + ", e.g. `('username LIKE':'fred%')`."
    ),
]


def _render(session, client) -> dict:  # type: ignore[no-untyped-def]
    if client.is_partner:
        return render_client(client, credit=operations.credit_balance(session))
    return render_client(client)


@router.post(
    "/clients",
    response_model=Envelope[ClientOut],
    responses=error_responses(*BODY_ERRORS, UsernameTaken, ExternalUseridTaken),
)
def create_client(request: Request, body: ClientCreate, session: WriteSession) -> JSONResponse:
    """Create a client under the partner and return it with a `Location` header.

    The client is sent a mail asking it to confirm its email address.
    """
    client = operations.create_client(session, body)
    return envelope.success(
        request, render_client(client), headers={"Location": f"{request.url.path}/{client.id}"}
    )


@router.get(
    "/clients",
    response_model=ListEnvelope[ClientOut],
    responses=error_responses(*LIST_ERRORS),
)
def list_clients(
    request: Request,
    session: ReadSession,
    fields: FieldsParam = None,
    search: SearchParam = None,
    limit: LimitParam = None,
    cursor: CursorParam = None,
) -> JSONResponse:
    """List the partner's clients, oldest first, with `fields`, `search` and keyset paging."""
    selected = parse_fields(fields, CLIENT_FIELDS)
    conditions = parse_search(search, operations.SEARCHABLE)
    page = parse_page(limit, cursor)
    result = operations.list_clients(session, conditions, page)
    items = [project(render_client(client), selected) for client in result.clients]
    return envelope.page(request, items, has_more=result.has_more, next_cursor=result.next_cursor)


@router.get(
    "/clients/self",
    response_model=Envelope[PartnerRecordOut],
    responses=error_responses(),
)
def get_self(request: Request, session: ReadSession) -> JSONResponse:
    """Return the partner's own record, with its Partner Credit balance in `credit`."""
    record, balance = operations.get_self(session)
    return envelope.success(request, render_client(record, credit=balance))


@router.get(
    "/clients/{client_id}",
    response_model=Envelope[ClientOut],
    responses=error_responses(ClientNotFound),
)
def get_client(request: Request, client_id: ResourceId, session: ReadSession) -> JSONResponse:
    """Return one client in any state, including a deleted client's tombstone."""
    return envelope.success(request, _render(session, operations.get_client(session, client_id)))


def _update(request: Request, client_id: ResourceId, body: ClientUpdate, session) -> JSONResponse:  # type: ignore[no-untyped-def]
    client = operations.update_client(session, client_id, body)
    return envelope.success(request, render_client(client))


UPDATE_ERRORS = error_responses(
    *BODY_ERRORS, ClientNotFound, ClientDeleted, UsernameTaken, ExternalUseridTaken,
    PartnerRecordReadOnly,
)


@router.patch("/clients/{client_id}", response_model=Envelope[ClientOut], responses=UPDATE_ERRORS)
def update_client(request: Request, client_id: ResourceId, body: ClientUpdate, session: WriteSession) -> JSONResponse:
    """Edit any subset of the writable fields. `active` suspends or re-enables like /enabled."""
    return _update(request, client_id, body, session)


@router.put("/clients/{client_id}", response_model=Envelope[ClientOut], responses=UPDATE_ERRORS)
def replace_client(request: Request, client_id: ResourceId, body: ClientUpdate, session: WriteSession) -> JSONResponse:
    """Edit the fields sent and leave the others as they are, exactly like PATCH."""
    return _update(request, client_id, body, session)


@router.patch(
    "/clients/{client_id}/enabled",
    response_model=Envelope[ClientOut],
    responses=error_responses(*BODY_ERRORS, ClientNotFound, ClientDeleted, PartnerRecordReadOnly),
)
def set_enabled(request: Request, client_id: ResourceId, body: EnableBody, session: WriteSession) -> JSONResponse:
    """`{"enable": 0}` suspends the client and its services; `{"enable": 1}` re-enables the client only."""
    client = operations.set_enabled(session, client_id, enabled=body.enable)
    return envelope.success(request, render_client(client))


def _dry_run(raw: str | None) -> bool:
    if raw is None or raw == "":
        return False
    if raw.lower() in ("1", "true"):
        return True
    if raw.lower() in ("0", "false"):
        return False
    raise InvalidParameter(
        f"dry_run={raw!r} is invalid; send dry_run=1 for a preview, or leave it out.",
        details={"field": "dry_run"},
    )


@router.delete(
    "/clients/{client_id}",
    response_model=Envelope[ClientOut | DeletionPreviewOut],
    responses=error_responses(ClientNotFound, PartnerRecordReadOnly, InvalidParameter),
)
def delete_client(
    request: Request,
    client_id: ResourceId,
    session: WriteSession,
    dry_run: Annotated[
        str | None,
        Query(description="`1` returns what the delete would do and changes nothing."),
    ] = None,
) -> JSONResponse:
    """Disable the client, suspend its live services and schedule its anonymisation.

    Repeating the call returns 200 with the same representation. With `dry_run=1` the
    response is a preview: the services to suspend, the fields to anonymise and when, and
    the records kept and why.
    """
    settings = get_settings(request)
    grace = operations.grace_period(session, settings.retention_grace_days)
    if _dry_run(dry_run):
        preview = operations.preview_delete(session, client_id, grace=grace, settings=settings)
        return envelope.success(request, preview)
    client = operations.delete_client(session, client_id, grace=grace)
    return envelope.success(request, render_client(client))


@router.post(
    "/clients/{client_id}/restore",
    response_model=Envelope[ClientOut],
    responses=error_responses(
        ClientNotFound, PartnerRecordReadOnly, ClientAnonymised, UsernameTaken,
        ExternalUseridTaken,
    ),
)
def restore_client(request: Request, client_id: ResourceId, session: WriteSession) -> JSONResponse:
    """Bring back a deleted client that is not yet anonymised; its services stay suspended.

    The pending anonymisation is cancelled. Restoring a client that is not deleted returns
    200 with the client unchanged.
    """
    return envelope.success(request, render_client(operations.restore_client(session, client_id)))


@router.get(
    "/clients/{client_id}/erasure",
    response_model=Envelope[ErasureReceiptOut],
    responses=error_responses(ClientNotFound, ClientNotDeleted, PartnerRecordReadOnly),
)
def get_erasure_receipt(
    request: Request, client_id: ResourceId, session: ReadSession
) -> JSONResponse:
    """Return the erasure receipt of a deleted client: what was erased and when, what is kept."""
    receipt = operations.erasure_receipt(session, client_id, settings=get_settings(request))
    return envelope.success(request, receipt)


@router.get(
    "/clients/{client_id}/live_services",
    response_model=ListEnvelope[LiveServiceOut],
    responses=error_responses(ClientNotFound, *LIST_ERRORS),
)
def list_client_services(
    request: Request,
    client_id: ResourceId,
    session: ReadSession,
    fields: ServiceFieldsParam = None,
    search: ServiceSearchParam = None,
    limit: LimitParam = None,
    cursor: CursorParam = None,
) -> JSONResponse:
    """List the client's live services, like searching /live_services on `client_id`."""
    operations.get_client(session, client_id)
    return service_listing.respond(
        request, session, fields=fields, search=search, limit=limit, cursor=cursor,
        client_id=client_id,
    )
