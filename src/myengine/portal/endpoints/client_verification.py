"""The page behind the link in a client's verification mail, in the partner's name."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from myengine.portal import client_verification
from myengine.portal.web import database_of, render

router = APIRouter()


@router.get("/verify/{token}")
def verify(request: Request, token: str) -> HTMLResponse:
    result = client_verification.verify(database_of(request), token)
    return render(request, "client_verified.html", status=200 if result.verified else 400,
                  partner_name=result.partner_name, verified=result.verified)
