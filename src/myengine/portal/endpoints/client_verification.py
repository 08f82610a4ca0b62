"""The page behind the link in a client's verification mail, in the partner's name.

A GET shows the confirmation button and changes nothing; the button's POST verifies.
"""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from myengine.portal import client_verification
from myengine.portal.tokens import LinkState
from myengine.portal.web import (
    VisitorForm,
    VisitorSession,
    database_of,
    render,
    with_visitor_cookie,
)

router = APIRouter()


def _page(request: Request, token: str, result: client_verification.VerificationResult,
          csrf_token: str) -> HTMLResponse:
    return render(request, "client_verified.html",
                  status=400 if result.state is LinkState.INVALID else 200,
                  partner_name=result.partner_name, state=result.state.value, token=token,
                  csrf_token=csrf_token)


@router.get("/verify/{token}")
def verification_page(request: Request, token: str, current: VisitorSession) -> HTMLResponse:
    result = client_verification.inspect(database_of(request), token)
    return with_visitor_cookie(_page(request, token, result, current.csrf_token), request, current)


@router.post("/verify/{token}")
def verify(request: Request, token: str, submitted: VisitorForm) -> HTMLResponse:
    current, _ = submitted
    result = client_verification.verify(database_of(request), token)
    return _page(request, token, result, current.csrf_token)
