"""HTTP layer for /live_services and the six product collections."""

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from myengine.api import envelope
from myengine.api.dependencies import ReadSession, WriteSession
from myengine.api.envelope import Envelope, ListEnvelope
from myengine.api.listing import CursorParam, LimitParam
from myengine.api.openapi import BODY_ERRORS, LIST_ERRORS, error_responses
from myengine.errors import (
    ClientDeleted,
    ClientNotFound,
    ClientSuspended,
    InsufficientCredits,
    InvalidParameter,
    InvalidServiceName,
    LiveServiceDeleted,
    LiveServiceNotFound,
    MailboxLimitExceeded,
    PlatformSuspension,
    SamePackage,
)
from myengine.live_services import listing, operations
from myengine.live_services.models import Product
from myengine.live_services.operations import ServiceView
from myengine.live_services.products import PRODUCTS, ProductSpec
from myengine.live_services.schemas import (
    LiveServiceCreatedOut,
    LiveServiceDetailOut,
    LiveServiceOut,
    RegradeBody,
    SuspensionBody,
    TariffEnvelope,
    render_package,
    render_service,
)

router = APIRouter(tags=["Live services"])

FieldsParam = Annotated[
    str | None,
    Query(description="Rison list of keys to return, e.g. `!(id,service_name,status)`."),
]
SearchParam = Annotated[
    str | None,
    Query(
        description="Rison object of conditions on `client_id`, `service_name`, `product`, "
        "`status`, `domain`, `id` or `whmcs_service_id`, e.g. `('status':'suspended')`. "
        "A `domain` value may be written in any case and with Unicode labels "
        "(`('domain LIKE':'%.bücher.example')`): it is compared in the stored A-label form."
    ),
]
# A service id that is not a whole number is a 400 `invalid_parameter`.
SERVICE_ERRORS = (LiveServiceNotFound, InvalidParameter)


def _with_article(product: str) -> str:
    return f"an {product}" if product[0] in "aeiou" else f"a {product}"


def _render(view: ServiceView) -> dict[str, Any]:
    data = render_service(view.service, view.causes, regrade_targets=view.regrade_targets)
    if view.smtp_password is not None:
        data["smtp_password"] = view.smtp_password
    return data


@router.get(
    "/live_services",
    response_model=ListEnvelope[LiveServiceOut],
    responses=error_responses(*LIST_ERRORS),
)
def list_live_services(
    request: Request,
    session: ReadSession,
    fields: FieldsParam = None,
    search: SearchParam = None,
    limit: LimitParam = None,
    cursor: CursorParam = None,
) -> JSONResponse:
    """List the partner's live services of every product, oldest first."""
    return listing.respond(
        request, session, fields=fields, search=search, limit=limit, cursor=cursor
    )


# Registered before /live_services/{service_id}, which would otherwise capture this path.
@router.get(
    "/live_services/service_names",
    response_model=TariffEnvelope,
    responses=error_responses(),
)
def list_service_names(request: Request, session: ReadSession) -> JSONResponse:
    """List every package on sale and its cost; `meta.credit` is your credit balance."""
    packages, balance = operations.list_tariff(session)
    return envelope.page(
        request,
        [render_package(package) for package in packages],
        has_more=False,
        next_cursor=None,
        meta={"credit": balance},
    )


@router.get(
    "/live_services/{service_id}",
    name="get_live_service",
    response_model=Envelope[LiveServiceDetailOut],
    responses=error_responses(*SERVICE_ERRORS),
)
def get_live_service(request: Request, service_id: int, session: ReadSession) -> JSONResponse:
    """Return one live service in any state, with the packages it may be regraded to."""
    return envelope.success(request, _render(operations.view_service(session, service_id)))


@router.patch(
    "/live_services/{service_id}",
    response_model=Envelope[LiveServiceDetailOut],
    responses=error_responses(
        *BODY_ERRORS, *SERVICE_ERRORS, LiveServiceDeleted, SamePackage, InvalidServiceName,
        MailboxLimitExceeded, InsufficientCredits,
    ),
)
def regrade_live_service(
    request: Request, service_id: int, body: RegradeBody, session: WriteSession
) -> JSONResponse:
    """Regrade to another package of the product; an upgrade charges the price difference."""
    view = operations.regrade_service(
        session, service_id, body, request_id=envelope.request_id(request)
    )
    return envelope.success(request, _render(view))


@router.patch(
    "/live_services/{service_id}/suspension",
    response_model=Envelope[LiveServiceDetailOut],
    responses=error_responses(
        *BODY_ERRORS, *SERVICE_ERRORS, LiveServiceDeleted, PlatformSuspension, ClientSuspended,
        ClientDeleted,
    ),
)
def set_live_service_suspension(
    request: Request, service_id: int, body: SuspensionBody, session: WriteSession
) -> JSONResponse:
    """`{"suspend": 1}` suspends; `{"suspend": 0}` lifts every cause but a platform one."""
    view = operations.set_suspension(session, service_id, suspend=body.suspend)
    return envelope.success(request, _render(view))


@router.delete(
    "/live_services/{service_id}",
    response_model=Envelope[LiveServiceDetailOut],
    responses=error_responses(*SERVICE_ERRORS),
)
def delete_live_service(request: Request, service_id: int, session: WriteSession) -> JSONResponse:
    """Terminate the service and keep its history; a repeated call returns the same result."""
    return envelope.success(request, _render(operations.delete_service(session, service_id)))


def _add_product_routes(spec: ProductSpec) -> None:
    """Register POST and GET on the product's collection, such as /outmails."""
    body_type = spec.create_body
    path = f"/{spec.collection}"
    create_errors = [*BODY_ERRORS, InvalidServiceName, ClientNotFound, ClientDeleted,
                     ClientSuspended, InsufficientCredits]
    if spec.product is Product.PROFILTER:
        create_errors.append(MailboxLimitExceeded)

    def create(
        request: Request,
        body: body_type,  # type: ignore[valid-type]
        session: WriteSession,
    ) -> JSONResponse:
        view = operations.create_service(
            session, spec, body, request_id=envelope.request_id(request)
        )
        location = request.app.url_path_for("get_live_service", service_id=view.service.id)
        return envelope.success(request, _render(view), headers={"Location": str(location)})

    def list_services(
        request: Request,
        session: ReadSession,
        fields: FieldsParam = None,
        search: SearchParam = None,
        limit: LimitParam = None,
        cursor: CursorParam = None,
    ) -> JSONResponse:
        return listing.respond(
            request, session, fields=fields, search=search, limit=limit, cursor=cursor,
            product=spec.product.value,
        )

    router.add_api_route(
        path,
        create,
        methods=["POST"],
        name=f"create_{spec.collection}",
        summary=f"Create {_with_article(spec.product.value)} service",
        description=(
            f"Create a service of the {spec.product.value} product for `client_id`, or for the "
            "partner itself, charge the package's credits, and return it with a `Location` header."
        ),
        response_model=Envelope[LiveServiceCreatedOut],
        responses=error_responses(*create_errors),
    )
    router.add_api_route(
        path,
        list_services,
        methods=["GET"],
        name=f"list_{spec.collection}",
        summary=f"List {spec.product.value} services",
        description=f"List the partner's {spec.product.value} services, oldest first.",
        response_model=ListEnvelope[LiveServiceOut],
        responses=error_responses(*LIST_ERRORS),
    )


for _spec in PRODUCTS.values():
    _add_product_routes(_spec)
