"""The ASGI application: the Partner API under /api-v1 and its reference under /apidocs."""

from contextlib import asynccontextmanager
from pathlib import Path

import fastapi_offline
import structlog
from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from myengine import __version__
from myengine.api import exception_handlers
from myengine.api.middleware import RequestContextMiddleware
from myengine.api.openapi import build_openapi
from myengine.api.rate_limit import RateLimiter
from myengine.db.engine import Database, connect
from myengine.idempotency.middleware import install as install_idempotency
from myengine.jobs.worker import EmbeddedWorker
from myengine.logs import configure_logging
from myengine.portal import install as install_portal
from myengine.settings import Settings, get_settings

API_PREFIX = "/api-v1"
REFERENCE_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; worker-src 'self' blob:; connect-src 'self'"
)
log = structlog.get_logger()


def create_app(settings: Settings | None = None, database: Database | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings.log_level, settings.log_format)
    owns_database = database is None
    database = database or connect(
        settings.database_url, busy_timeout_ms=settings.sqlite_busy_timeout_ms
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI):  # type: ignore[no-untyped-def]
        log.info("service.started", environment=settings.environment.value, version=__version__)
        worker = EmbeddedWorker(database, settings) if settings.embedded_worker else None
        if worker is not None:
            worker.start()
        yield
        if worker is not None:
            worker.stop()
        if owns_database:
            database.dispose()
        log.info("service.stopped")

    app = FastAPI(
        title="my-engine Partner API",
        version=__version__,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.settings = settings
    app.state.database = database
    app.state.pepper = settings.secret_key_bytes()
    app.state.rate_limiter = RateLimiter(settings.rate_limit_per_minute)

    exception_handlers.install(app)
    install_idempotency(app)
    _include_routers(app)
    _install_reference(app)
    install_portal(app)
    _install_health(app)
    app.add_middleware(
        RequestContextMiddleware, max_body_bytes=settings.max_body_bytes, api_prefix=API_PREFIX
    )
    return app


def _include_routers(app: FastAPI) -> None:
    from myengine.audit.endpoints import router as audit_router
    from myengine.clients.endpoints import router as clients_router
    from myengine.live_services.endpoints import router as live_services_router
    from myengine.retention.endpoints import router as policy_router

    app.include_router(clients_router, prefix=API_PREFIX)
    app.include_router(live_services_router, prefix=API_PREFIX)
    app.include_router(audit_router, prefix=API_PREFIX)
    app.include_router(policy_router)


def _install_health(app: FastAPI) -> None:
    @app.get("/health/live", include_in_schema=False)
    async def live() -> JSONResponse:
        """Liveness: a fixed body, no auth and no database (also the benchmark baseline)."""
        return JSONResponse({"status": "ok"})

    @app.get("/health/ready", include_in_schema=False)
    def ready() -> JSONResponse:
        from sqlalchemy import text

        with app.state.database.read(operator=True) as session:
            session.execute(text("SELECT 1"))
        return JSONResponse({"status": "ok"})


def _install_reference(app: FastAPI) -> None:
    """Serve the OpenAPI document and a reference page whose assets all come from this server."""
    static = Path(fastapi_offline.__file__).parent / "static"
    app.mount("/apidocs/static", StaticFiles(directory=static), name="apidocs-static")

    @app.get("/apidocs/openapi.json", include_in_schema=False)
    async def openapi_document() -> JSONResponse:
        return JSONResponse(build_openapi(app))

    @app.get("/apidocs/index.html", include_in_schema=False)
    async def reference_page() -> HTMLResponse:
        page = get_redoc_html(
            openapi_url="/apidocs/openapi.json",
            title="my-engine Partner API reference",
            redoc_js_url="/apidocs/static/redoc.standalone.js",
            redoc_favicon_url="/apidocs/static/favicon.png",
            with_google_fonts=False,
        )
        # The ReDoc bundle links its logo from a CDN; the policy keeps the browser on this
        # server, so the page makes no outside request.
        page.headers["Content-Security-Policy"] = REFERENCE_CSP
        return page

    @app.get("/apidocs", include_in_schema=False)
    @app.get("/apidocs/", include_in_schema=False)
    async def reference_redirect() -> HTMLResponse:
        return HTMLResponse(status_code=307, headers={"Location": "/apidocs/index.html"})
