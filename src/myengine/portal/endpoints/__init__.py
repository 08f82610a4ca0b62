"""The portal's pages, one module per area, gathered under /portal."""

from fastapi import APIRouter

from myengine.portal.endpoints import (
    accounts,
    api_access,
    client_verification,
    clients,
    overview,
    sandbox,
)


def build_router() -> APIRouter:
    router = APIRouter(prefix="/portal", include_in_schema=False)
    for module in (accounts, overview, api_access, clients, sandbox, client_verification):
        router.include_router(module.router)
    # Last, so that it only catches paths no page above matched.
    router.include_router(overview.fallback)
    return router
