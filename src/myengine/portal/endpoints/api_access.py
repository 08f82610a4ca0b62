"""API settings: API access on or off, allowed source networks, and API keys."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from myengine.api_keys import operations as keys
from myengine.clock import utcnow
from myengine.partners import operations as partners
from myengine.portal import api_access
from myengine.portal.web import (
    CurrentViewer,
    Viewer,
    ViewerForm,
    database_of,
    field,
    parse_id,
    redirect,
    render,
    settings_of,
    viewer_actor,
)

router = APIRouter(prefix="/api")

NOTICES = {
    "access_on": "API access is on.",
    "access_off": "API access is off: every API call now answers 403 api_access_disabled.",
    "network_added": "The network was added.",
    "network_removed": "The network was removed.",
    "network_note_changed": "The note was saved.",
    "key_revoked": "The key was revoked; calls with it now answer 401 api_key_revoked.",
}


def _page(request: Request, viewer: Viewer, *, status: int = 200, error: str | None = None,
          notice: str | None = None, new_key: keys.IssuedKey | None = None,
          rotation: api_access.Rotation | None = None, values: dict[str, str] | None = None,
          ) -> HTMLResponse:
    with database_of(request).read(partner_id=viewer.partner_id) as session:
        partner = partners.get_partner(session, viewer.partner_id)
        networks = partners.list_networks(session, viewer.partner_id)
        now = utcnow()
        key_rows = [
            (key, api_access.key_state(key, now))
            for key in keys.list_keys(session, partner_id=viewer.partner_id)
        ]
        return render(
            request, "api_settings.html", status=status, viewer=viewer, error=error,
            notice=notice, api_enabled=partner.api_enabled, networks=networks, keys=key_rows,
            new_key=new_key, rotation=rotation, values=values or {},
            overlap_choices=list(api_access.OVERLAP_CHOICES),
            caller_address=request.client.host if request.client else "",
        )


@router.get("")
def settings_page(request: Request, viewer: CurrentViewer, done: str = "") -> HTMLResponse:
    return _page(request, viewer, notice=NOTICES.get(done))


@router.post("/access")
def set_access(request: Request, submitted: ViewerForm) -> Response:
    viewer, form = submitted
    enabled = field(form, "enabled") == "1"
    with viewer_actor(request, viewer), \
            database_of(request).write(partner_id=viewer.partner_id) as session:
        api_access.set_api_access(session, viewer.partner_id, enabled=enabled)
    return redirect(f"/portal/api?done={'access_on' if enabled else 'access_off'}")


@router.post("/networks")
def add_network(request: Request, submitted: ViewerForm) -> Response:
    viewer, form = submitted
    cidr, note = field(form, "cidr"), field(form, "note")
    try:
        with viewer_actor(request, viewer), \
                database_of(request).write(partner_id=viewer.partner_id) as session:
            api_access.add_network(session, viewer.partner_id, cidr=cidr, note=note)
    except api_access.ApiSettingsError as exc:
        return _page(request, viewer, status=422, error=str(exc),
                     values={"cidr": cidr, "note": note})
    return redirect("/portal/api?done=network_added")


@router.post("/networks/{network_id}/note")
def change_network_note(request: Request, network_id: str, submitted: ViewerForm) -> Response:
    viewer, form = submitted
    try:
        with viewer_actor(request, viewer), \
                database_of(request).write(partner_id=viewer.partner_id) as session:
            api_access.change_network_note(session, viewer.partner_id,
                                           network_id=parse_id(network_id),
                                           note=field(form, "note"))
    except api_access.NetworkNotFound as exc:
        return _page(request, viewer, status=404, error=str(exc))
    except api_access.ApiSettingsError as exc:
        return _page(request, viewer, status=422, error=str(exc))
    return redirect("/portal/api?done=network_note_changed")


@router.post("/networks/{network_id}/delete")
def remove_network(request: Request, network_id: str, submitted: ViewerForm) -> Response:
    viewer, _ = submitted
    try:
        with viewer_actor(request, viewer), \
                database_of(request).write(partner_id=viewer.partner_id) as session:
            api_access.remove_network(session, viewer.partner_id, network_id=parse_id(network_id))
    except api_access.ApiSettingsError as exc:
        return _page(request, viewer, status=404, error=str(exc))
    return redirect("/portal/api?done=network_removed")


@router.post("/keys")
def create_key(request: Request, submitted: ViewerForm) -> Response:
    viewer, form = submitted
    settings = settings_of(request)
    try:
        with viewer_actor(request, viewer), \
                database_of(request).write(partner_id=viewer.partner_id) as session:
            issued = api_access.create_key(
                session, viewer.partner_id, note=field(form, "note"),
                environment=settings.environment, pepper=request.app.state.pepper,
            )
    except api_access.ApiSettingsError as exc:
        return _page(request, viewer, status=422, error=str(exc))
    # The secret is in this response only: no redirect, and the page is never cached.
    return _page(request, viewer, new_key=issued)


@router.post("/keys/{key_id}/rotate")
def rotate_key(request: Request, key_id: str, submitted: ViewerForm) -> Response:
    viewer, form = submitted
    settings = settings_of(request)
    overlap = api_access.OVERLAP_CHOICES.get(field(form, "overlap"))
    if overlap is None:
        return _page(request, viewer, status=422,
                     error="Choose how long the old key keeps working: "
                     f"{', '.join(api_access.OVERLAP_CHOICES)}.")
    try:
        with viewer_actor(request, viewer), \
                database_of(request).write(partner_id=viewer.partner_id) as session:
            rotation = api_access.rotate_key(
                session, viewer.partner_id, key_id=parse_id(key_id), overlap=overlap,
                environment=settings.environment, pepper=request.app.state.pepper,
                portal_user_id=viewer.user_id,
            )
    except api_access.ApiSettingsError as exc:
        return _page(request, viewer, status=422, error=str(exc))
    return _page(request, viewer, new_key=rotation.replacement, rotation=rotation)


@router.post("/keys/{key_id}/revoke")
def revoke_key(request: Request, key_id: str, submitted: ViewerForm) -> Response:
    viewer, _ = submitted
    try:
        with viewer_actor(request, viewer), \
                database_of(request).write(partner_id=viewer.partner_id) as session:
            api_access.revoke_key(session, viewer.partner_id, key_id=parse_id(key_id))
    except api_access.ApiSettingsError as exc:
        return _page(request, viewer, status=404, error=str(exc))
    return redirect("/portal/api?done=key_revoked")
