"""Client pages: search, detail with live services, create, and the confirmed lifecycle actions.

Suspend, re-enable and delete each show a confirmation page that describes what will happen, then
run the same clients operation as the API.
"""


from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from myengine.clients import operations as clients
from myengine.clients.schemas import ClientCreate
from myengine.errors import ApiError
from myengine.portal import queries
from myengine.portal.verification_requests import queue_verification_mail
from myengine.portal.web import (
    CurrentViewer,
    PageNotFound,
    ViewerForm,
    database_of,
    field,
    parse_id,
    redirect,
    render,
    settings_of,
    viewer_actor,
)

router = APIRouter(prefix="/clients")


CREATE_FIELDS = ("username", "email", "firstname", "surname", "company", "external_userid",
                 "phone", "country")
ACTIONS = ("suspend", "enable", "delete")
NOTICES = {
    "created": "The client was created; a verification mail is on its way to it.",
    "suspend": "The client and its live services are suspended.",
    "enable": "The client is re-enabled. Its services stay suspended until you unsuspend them.",
    "delete": "The client is deleted and its anonymisation is scheduled.",
    "verification_sent": "A new verification mail is on its way to the client.",
}


@router.get("")
def list_page(request: Request, viewer: CurrentViewer, field: str = "username", q: str = "",
              status: str = "", cursor: str | None = None) -> HTMLResponse:
    with database_of(request).read(partner_id=viewer.partner_id) as session:
        page = queries.search_clients(session, field=field, text=q, status=status, cursor=cursor)
        return render(request, "clients.html", viewer=viewer, page=page, field=field, q=q,
                      status_filter=status, search_fields=queries.CLIENT_SEARCH_FIELDS,
                      status_filters=list(queries.CLIENT_STATUS_FILTERS))


@router.get("/new")
def new_page(request: Request, viewer: CurrentViewer) -> HTMLResponse:
    return render(request, "client_new.html", viewer=viewer, values={}, problems={})


@router.post("")
def create(request: Request, submitted: ViewerForm) -> Response:
    viewer, form = submitted
    values = {name: field(form, name).strip() for name in CREATE_FIELDS}
    try:
        body = ClientCreate(**{name: value for name, value in values.items() if value})
    except ValidationError as exc:
        problems = {}
        for error in exc.errors():
            name = str(error["loc"][0]) if error["loc"] else "form"
            problems.setdefault(name, error["msg"].removeprefix("Value error, "))
        return render(request, "client_new.html", status=422, viewer=viewer, values=values,
                      problems=problems)
    try:
        with viewer_actor(request, viewer), \
                database_of(request).write(partner_id=viewer.partner_id) as session:
            client = clients.create_client(session, body)
            client_id = client.id
    except ApiError as exc:
        problems = {str(exc.details.get("field", "form")): exc.message}
        return render(request, "client_new.html", status=exc.status, viewer=viewer,
                      values=values, problems=problems)
    return redirect(f"/portal/clients/{client_id}?done=created")


@router.get("/{client_id}")
def detail(request: Request, client_id: str, viewer: CurrentViewer, done: str = "") -> HTMLResponse:
    with database_of(request).read(partner_id=viewer.partner_id) as session:
        client = _client(session, client_id)
        services = queries.services_of_client(session, client.id)
        return render(request, "client_detail.html", viewer=viewer, client=client,
                      services=services, notice=NOTICES.get(done))


@router.get("/{client_id}/{action}")
def confirm_page(request: Request, client_id: str, action: str,
                 viewer: CurrentViewer) -> HTMLResponse:
    if action not in ACTIONS:
        raise PageNotFound()
    settings = settings_of(request)
    with database_of(request).read(partner_id=viewer.partner_id) as session:
        client = _client(session, client_id)
        services = queries.services_of_client(session, client.id)
        preview = None
        if action == "delete" and client.deleted is None:
            grace = clients.grace_period(session, settings.retention_grace_days)
            preview = clients.preview_delete(session, client.id, grace=grace, settings=settings)
        return render(request, "client_confirm.html", viewer=viewer, client=client,
                      action=action, services=services, preview=preview)


@router.post("/{client_id}/resend-verification")
def resend_verification(request: Request, client_id: str, submitted: ViewerForm) -> Response:
    viewer, _ = submitted
    with database_of(request).write(partner_id=viewer.partner_id) as session:
        client = _client(session, client_id)
        queue_verification_mail(session, client)
        target = client.id
    return redirect(f"/portal/clients/{target}?done=verification_sent")


@router.post("/{client_id}/{action}")
def run_action(request: Request, client_id: str, action: str, submitted: ViewerForm) -> Response:
    viewer, _ = submitted
    if action not in ACTIONS:
        raise PageNotFound()
    settings = settings_of(request)
    try:
        with viewer_actor(request, viewer), \
                database_of(request).write(partner_id=viewer.partner_id) as session:
            client = _client(session, client_id)
            if action == "delete":
                grace = clients.grace_period(session, settings.retention_grace_days)
                clients.delete_client(session, client.id, grace=grace)
            else:
                clients.set_enabled(session, client.id, enabled=action == "enable")
            target = client.id
    except ApiError as exc:
        with database_of(request).read(partner_id=viewer.partner_id) as session:
            client = _client(session, client_id)
            services = queries.services_of_client(session, client.id)
            return render(request, "client_confirm.html", status=exc.status, viewer=viewer,
                          client=client, action=action, services=services, preview=None,
                          error=exc.message)
    return redirect(f"/portal/clients/{target}?done={action}")


def _client(session, raw_id: str):  # type: ignore[no-untyped-def]
    """Return the partner's client with this id; the partner's own record is a 404 here."""
    try:
        client = clients.get_client(session, parse_id(raw_id))
    except ApiError:
        raise PageNotFound() from None
    if client.is_partner:
        raise PageNotFound()
    return client
