"""Sign-up, email confirmation, login, logout and password reset pages."""

import math
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from myengine.portal import accounts, passwords, sessions
from myengine.portal.audit_trail import portal_actor
from myengine.portal.tokens import LinkState
from myengine.portal.web import (
    ViewerForm,
    Visitor,
    VisitorForm,
    VisitorSession,
    client_address,
    current_request_id,
    database_of,
    field,
    redirect,
    render,
    safe_next,
    settings_of,
    with_visitor_cookie,
)

router = APIRouter()


def _throttled(request: Request, current: Visitor, template: str, retry_after: int,
               **context: object) -> HTMLResponse:
    minutes = max(1, math.ceil(retry_after / 60))
    return render(
        request, template, status=429, csrf_token=current.csrf_token,
        headers={"Retry-After": str(retry_after)},
        error=f"Too many attempts. Try again in {minutes} minute{'s' if minutes > 1 else ''}.",
        **context,
    )


@router.get("/signup")
def signup_page(request: Request, current: VisitorSession) -> HTMLResponse:
    response = render(request, "signup.html", csrf_token=current.csrf_token, values={},
                      problems={})
    return with_visitor_cookie(response, request, current)


@router.post("/signup")
def signup(request: Request, submitted: VisitorForm) -> HTMLResponse:
    current, form = submitted
    data = accounts.SignUpForm(
        company=field(form, "company"),
        contact_name=field(form, "contact_name"),
        email=field(form, "email"),
        password=field(form, "password"),
    )
    values = {"company": data.company, "contact_name": data.contact_name, "email": data.email}
    problems = accounts.sign_up_problems(data)
    if problems:
        return render(request, "signup.html", status=422, csrf_token=current.csrf_token,
                      values=values, problems=problems)

    with portal_actor(partner_id=None, request_id=current_request_id(request)), \
            database_of(request).write(operator=True) as session:
        wait = accounts.throttle_sign_up(session, address=client_address(request),
                                         pepper=request.app.state.pepper)
        if wait is None:
            accounts.sign_up(session, data)
    if wait is not None:
        return _throttled(request, current, "signup.html", wait, values=values, problems={})
    return render(request, "check_mail.html", csrf_token=current.csrf_token, reason="signup")


@router.get("/confirm/{token}")
def confirm_page(request: Request, token: str, current: VisitorSession) -> HTMLResponse:
    """Show the button that confirms the address: opening a mailed link changes nothing."""
    with database_of(request).read(operator=True) as session:
        state = accounts.confirmation_state(session, token)
    if state is LinkState.INVALID:
        response = render(request, "link_invalid.html", status=400, purpose="confirm")
    elif state is LinkState.DONE:
        response = render(request, "confirmed.html")
    else:
        response = render(request, "confirm_email.html", csrf_token=current.csrf_token,
                          token=token)
    return with_visitor_cookie(response, request, current)


@router.post("/confirm/{token}")
def confirm(request: Request, token: str, submitted: VisitorForm) -> HTMLResponse:
    with portal_actor(partner_id=None, request_id=current_request_id(request)), \
            database_of(request).write(operator=True) as session:
        user = accounts.confirm_email(session, token)
    if user is None:
        return render(request, "link_invalid.html", status=400, purpose="confirm")
    return render(request, "confirmed.html")


@router.get("/login")
def login_page(request: Request, current: VisitorSession,
               next_path: Annotated[str, Query(alias="next")] = "") -> HTMLResponse:
    response = render(request, "login.html", csrf_token=current.csrf_token,
                      next_path=safe_next(next_path), email="")
    return with_visitor_cookie(response, request, current)


@router.post("/login")
def login(request: Request, submitted: VisitorForm) -> Response:
    current, form = submitted
    email = field(form, "email").strip()
    next_path = safe_next(field(form, "next"))
    settings = settings_of(request)

    with database_of(request).write(operator=True) as session:
        result = accounts.log_in(session, email=email, password=field(form, "password"),
                                 address=client_address(request),
                                 pepper=request.app.state.pepper)
        started = None
        if result.outcome is accounts.LoginOutcome.SUCCESS:
            assert result.user is not None
            # A new session id at every login, so a visitor session whose cookie an attacker
            # planted never becomes a logged-in one.
            sessions.end(session, current.session_id)
            started = sessions.start(session, user_id=result.user.id)

    context = {"next_path": next_path, "email": email}
    if result.outcome is accounts.LoginOutcome.THROTTLED:
        return _throttled(request, current, "login.html", result.retry_after or 60, **context)
    if result.outcome is accounts.LoginOutcome.INVALID:
        return render(request, "login.html", status=401, csrf_token=current.csrf_token,
                      error="The email address or the password is wrong.", **context)
    if result.outcome is accounts.LoginOutcome.UNCONFIRMED:
        return render(request, "login.html", status=403, csrf_token=current.csrf_token,
                      error="Confirm your email address first: we have sent you a new "
                      "confirmation link.", **context)

    assert started is not None
    response = redirect(next_path)
    sessions.set_cookie(response, request, settings, started.token)
    return response


@router.post("/logout")
def logout(request: Request,
           submitted: ViewerForm) -> Response:
    viewer, _ = submitted
    with database_of(request).write(operator=True) as session:
        sessions.end(session, viewer.session_id)
    response = redirect("/portal/login")
    sessions.clear_cookie(response, request, settings_of(request))
    return response


@router.get("/reset")
def reset_request_page(request: Request, current: VisitorSession) -> HTMLResponse:
    response = render(request, "reset_request.html", csrf_token=current.csrf_token, email="")
    return with_visitor_cookie(response, request, current)


@router.post("/reset")
def reset_request(request: Request, submitted: VisitorForm) -> HTMLResponse:
    current, form = submitted
    email = field(form, "email").strip()
    if accounts.normalise_email(email) is None:
        return render(request, "reset_request.html", status=422, csrf_token=current.csrf_token,
                      email=email, error="Enter an email address such as ops@reseller.example.")
    with database_of(request).write(operator=True) as session:
        wait = accounts.request_reset(session, email=email, address=client_address(request),
                                      pepper=request.app.state.pepper)
    if wait is not None:
        return _throttled(request, current, "reset_request.html", wait, email=email)
    return render(request, "check_mail.html", csrf_token=current.csrf_token, reason="reset")


@router.get("/reset/{token}")
def reset_page(request: Request, token: str, current: VisitorSession) -> HTMLResponse:
    with database_of(request).read(operator=True) as session:
        user = accounts.reset_token_user(session, token)
    if user is None:
        response = render(request, "link_invalid.html", status=400, purpose="reset")
    else:
        response = render(request, "reset_password.html", csrf_token=current.csrf_token,
                          token=token)
    return with_visitor_cookie(response, request, current)


@router.post("/reset/{token}")
def reset_password(request: Request, token: str, submitted: VisitorForm) -> HTMLResponse:
    current, form = submitted
    password = field(form, "password")
    with database_of(request).read(operator=True) as session:
        user = accounts.reset_token_user(session, token)
    if user is None:
        return render(request, "link_invalid.html", status=400, purpose="reset")

    problem = passwords.password_problem(password, email=user.email)
    if problem is None and password != field(form, "password_again"):
        problem = "The two passwords differ; type the same password twice."
    if problem:
        return render(request, "reset_password.html", status=422,
                      csrf_token=current.csrf_token, token=token, error=problem)

    with portal_actor(partner_id=user.partner_id, request_id=current_request_id(request),
                      portal_user_id=user.id), \
            database_of(request).write(operator=True) as session:
        changed = accounts.reset_password(session, token=token, password=password)
    if changed is None:
        return render(request, "link_invalid.html", status=400, purpose="reset")
    return render(request, "password_changed.html")
