"""Live service lifecycle: create, read, regrade, suspend, unsuspend and terminate.

Every function takes a session scoped to the calling partner (``db.tenancy``), so another
partner's service is simply not found. Credits move through ``credits.operations`` in the
same transaction as the change they pay for, so a failed charge leaves nothing behind.

Billing rules: a create charges the package's credits. A regrade charges the difference
between the new and the current package when it is positive, both at today's tariff. A
downgrade charges nothing and refunds nothing. Terminating a service refunds nothing.
"""

from dataclasses import dataclass

import structlog
from sqlalchemy import select
from sqlalchemy.orm import Session

from myengine.audit.operations import record_event
from myengine.clients.models import Client, ClientStatus
from myengine.clock import utcnow
from myengine.credits.models import LedgerReason
from myengine.credits.operations import charge_for_service, current_balance
from myengine.db.tenancy import session_partner_id
from myengine.errors import (
    ClientDeleted,
    ClientNotFound,
    ClientSuspended,
    InvalidServiceName,
    LiveServiceDeleted,
    LiveServiceNotFound,
    MailboxLimitExceeded,
    PlatformSuspension,
    SamePackage,
    UnknownField,
)
from myengine.live_services.models import (
    PARTNER_LIFTABLE_CAUSES,
    PLATFORM_CAUSES,
    LiveService,
    Package,
    Product,
    ServiceStatus,
    SuspensionCause,
)
from myengine.live_services.products import (
    ProductSpec,
    ServiceCreate,
    check_mailboxes,
    mailbox_limit,
)
from myengine.live_services.schemas import RegradeBody
from myengine.live_services.smtp_credentials import new_password, smtp_username
from myengine.live_services.suspensions import active_causes, add_cause, lift_causes

log = structlog.get_logger()

# Ids are 32-bit integers in the store; a larger id cannot exist, so it is simply not found.
MAX_ID = 2**31 - 1


@dataclass(frozen=True)
class ServiceView:
    """A service with what its single-resource representation needs besides the row."""

    service: LiveService
    causes: list[str]
    regrade_targets: list[str]
    # Set only in the response to the create of an outMail service.
    smtp_password: str | None = None


def _partner_id(session: Session) -> int:
    partner_id = session_partner_id(session)
    assert partner_id is not None, "live service operations need a partner-scoped session"
    return partner_id


def get_service(session: Session, service_id: int, *, for_update: bool = False) -> LiveService:
    """Return the partner's service ``service_id`` in any state, or raise a 404."""
    service = None
    if 1 <= service_id <= MAX_ID:
        statement = select(LiveService).where(LiveService.id == service_id)
        if for_update:
            statement = statement.with_for_update()
        service = session.scalar(statement)
    if service is None:
        raise LiveServiceNotFound(
            f"No live service {service_id} exists under partner {_partner_id(session)}; check "
            "the id, or list your services with GET /live_services."
        )
    return service


def describe(
    session: Session, service: LiveService, *, smtp_password: str | None = None
) -> ServiceView:
    """Collect the causes in force and the regrade targets of ``service``."""
    causes = active_causes(session, [service.id])[service.id]
    return ServiceView(
        service=service,
        causes=causes,
        regrade_targets=_regrade_targets(session, service),
        smtp_password=smtp_password,
    )


def view_service(session: Session, service_id: int) -> ServiceView:
    return describe(session, get_service(session, service_id))


def list_tariff(session: Session) -> tuple[list[Package], int]:
    """Return the packages on sale, in tariff order, and the partner's credit balance."""
    packages = list(
        session.scalars(
            select(Package)
            .where(Package.available.is_(True))
            .order_by(Package.sort_order, Package.service_name)
        )
    )
    return packages, current_balance(session, _partner_id(session))


def _regrade_targets(session: Session, service: LiveService) -> list[str]:
    if service.deleted is not None:
        return []
    return list(
        session.scalars(
            select(Package.service_name)
            .where(
                Package.product == service.product,
                Package.available.is_(True),
                Package.service_name != service.service_name,
            )
            .order_by(Package.sort_order, Package.service_name)
        )
    )


def _package(session: Session, product: str, service_name: str) -> Package:
    """Return the package ``service_name`` if it is on sale for ``product``, else raise a 422."""
    package = session.get(Package, service_name)
    if package is not None and package.available and package.product == product:
        return package

    choices = ", ".join(
        session.scalars(
            select(Package.service_name)
            .where(Package.product == product, Package.available.is_(True))
            .order_by(Package.sort_order, Package.service_name)
        )
    )
    if package is None or not package.available:
        reason = "is not a package on sale"
    else:
        reason = f"is a {package.product} package, not a {product} package"
    raise InvalidServiceName(
        f"service_name {service_name!r} {reason}; choose one of: {choices}.",
        details={"field": "service_name"},
    )


def _holder(session: Session, client_id: int | None) -> Client:
    """Return the client that will hold a new service, locked against a concurrent delete.

    The lock makes a client delete or suspension wait for the create to commit, so it then
    suspends the new service with the others.
    """
    partner_id = _partner_id(session)
    holder_id = partner_id if client_id is None else client_id
    client = None
    if 1 <= holder_id <= MAX_ID:
        client = session.scalar(select(Client).where(Client.id == holder_id).with_for_update())
    if client is None:
        raise ClientNotFound(
            f"client_id {holder_id} is not a client of partner {partner_id}; check the id, or omit "
            "client_id to hold the service under your own account.",
            details={"field": "client_id"},
        )
    _require_active(client, action="hold new services", field="client_id")
    return client


def _require_active(client: Client, *, action: str, field: str | None = None) -> None:
    details = {"field": field} if field else None
    if client.deleted is not None or client.client_status_id in (
        ClientStatus.DELETED,
        ClientStatus.ANONYMISED,
    ):
        raise ClientDeleted(
            f"Client {client.id} is deleted, so it cannot {action}; use an active client.",
            details=details,
        )
    if client.client_status_id == ClientStatus.SUSPENDED or not client.active:
        raise ClientSuspended(
            f"Client {client.id} is suspended, so it cannot {action}; re-enable it with "
            f'PATCH /clients/{client.id}/enabled and {{"enable": 1}}, then retry.',
            details=details,
        )


def create_service(
    session: Session, spec: ProductSpec, body: ServiceCreate, *, request_id: str | None
) -> ServiceView:
    """Create a service of ``spec.product`` and charge its package, or change nothing.

    The holder is the client ``body.client_id``, or the partner itself when it is omitted or
    equals the Partner ID. A deleted or suspended client cannot hold a new service: a
    suspended client's services are all suspended, so the partner re-enables the client first
    instead of paying for a service that would start suspended.
    """
    # Hashing takes tens of milliseconds, so it runs before the first statement opens the
    # transaction; on SQLite that keeps it outside the database write lock.
    password = new_password() if spec.product is Product.OUTMAIL else None

    package = _package(session, spec.product.value, body.service_name)
    holder = _holder(session, body.client_id)
    attributes = body.product_attributes(package)

    now = utcnow()
    service = LiveService(
        partner_id=_partner_id(session),
        client_id=holder.id,
        product=spec.product.value,
        service_name=package.service_name,
        status=ServiceStatus.LIVE,
        domain=getattr(body, "domain", None),
        whmcs_service_id=body.whmcs_service_id,
        attributes=attributes,
        created=now,
        modified=now,
    )
    session.add(service)
    session.flush()

    if password is not None:
        service.attributes = {**attributes, "smtp_username": smtp_username(service.id)}
        service.smtp_password_hash = password.password_hash

    charge_for_service(
        session,
        service.partner_id,
        credits=package.credits,
        reason=LedgerReason.SERVICE_CREATED,
        live_service_id=service.id,
        service_name=package.service_name,
        request_id=request_id,
    )
    session.flush()
    record_event(session, action="live_service.created", subject_type="live_service",
                 subject_id=service.id, partner_id=service.partner_id,
                 details={"client_id": service.client_id, "product": service.product,
                          "service_name": service.service_name, "credits": package.credits})
    log.info(
        "live_service.created",
        live_service_id=service.id,
        client_id=service.client_id,
        product=service.product,
        service_name=service.service_name,
        credits=package.credits,
    )
    return describe(session, service, smtp_password=password.password if password else None)


def regrade_service(
    session: Session, service_id: int, body: RegradeBody, *, request_id: str | None
) -> ServiceView:
    """Move the service to another package of its product and charge any price increase."""
    service = get_service(session, service_id, for_update=True)
    if service.deleted is not None:
        raise LiveServiceDeleted(
            f"Live service {service_id} is deleted, so it cannot be regraded; create a new "
            "service instead."
        )
    if body.mailboxes is not None and service.product != Product.PROFILTER:
        raise UnknownField(
            f"Field 'mailboxes' applies to proFilter services, and live service {service_id} "
            f"is a {service.product} service; remove it.",
            details={"field": "mailboxes"},
        )

    target = _package(session, service.product, body.service_name)
    if target.service_name == service.service_name:
        raise SamePackage(
            f"Live service {service_id} already has package {target.service_name!r}; choose "
            f"another of: {', '.join(_regrade_targets(session, service)) or 'none'}.",
            details={"field": "service_name"},
        )
    current = session.get(Package, service.service_name)
    assert current is not None, f"package {service.service_name!r} is missing from the tariff"

    attributes = dict(service.attributes or {})
    if service.product == Product.PROFILTER:
        attributes["mailboxes"] = _regraded_mailboxes(service, target, body.mailboxes)

    previous = service.service_name
    service.service_name = target.service_name
    service.attributes = attributes
    service.modified = utcnow()
    session.flush()

    charge_for_service(
        session,
        service.partner_id,
        credits=target.credits - current.credits,
        reason=LedgerReason.SERVICE_REGRADED,
        live_service_id=service.id,
        service_name=target.service_name,
        request_id=request_id,
    )
    record_event(session, action="live_service.regraded", subject_type="live_service",
                 subject_id=service.id, partner_id=service.partner_id,
                 details={"previous_service_name": previous, "service_name": target.service_name})
    log.info(
        "live_service.regraded",
        live_service_id=service.id,
        previous_service_name=previous,
        service_name=target.service_name,
        credits=max(target.credits - current.credits, 0),
    )
    return describe(session, service)


def _regraded_mailboxes(service: LiveService, target: Package, requested: int | None) -> int | None:
    if requested is not None:
        check_mailboxes(requested, target)
        return requested

    count = (service.attributes or {}).get("mailboxes")
    limit = mailbox_limit(target)
    if count is not None and limit is not None and count > limit:
        raise MailboxLimitExceeded(
            f"Live service {service.id} licenses {count} mailboxes and package "
            f"{target.service_name!r} allows {limit}; send mailboxes (at most {limit}) with "
            "service_name.",
            details={"field": "mailboxes"},
        )
    return count


def set_suspension(session: Session, service_id: int, *, suspend: bool) -> ServiceView:
    """Suspend the service for the partner, or lift the causes a partner may lift.

    Unsuspending raises an error and changes nothing while a platform cause (abuse or
    billing) is in force. It does the same while the holder is suspended or deleted.
    """
    service = get_service(session, service_id, for_update=True)
    if service.deleted is not None:
        raise LiveServiceDeleted(
            f"Live service {service_id} is deleted, so it cannot be "
            f"{'suspended' if suspend else 'unsuspended'}."
        )

    if suspend:
        add_cause(session, service, SuspensionCause.PARTNER)
        return describe(session, service)

    causes = active_causes(session, [service.id])[service.id]
    platform = [cause for cause in causes if cause in PLATFORM_CAUSES]
    if platform:
        raise PlatformSuspension(
            f"Live service {service_id} is suspended by the platform ({', '.join(platform)}); "
            "only the platform can lift that, so contact platform support."
        )
    if any(cause in PARTNER_LIFTABLE_CAUSES for cause in causes):
        holder = session.get(Client, service.client_id)
        assert holder is not None, f"live service {service.id} has no holder"
        _require_active(holder, action="have its services unsuspended")
        lift_causes(session, service, PARTNER_LIFTABLE_CAUSES)
    return describe(session, service)


def delete_service(session: Session, service_id: int) -> ServiceView:
    """Terminate the service; the row, its suspensions and its ledger rows are kept.

    A deleted service is returned unchanged, so a retried DELETE returns the same
    representation. The SMTP password hash of an outMail service is erased, because a
    terminated service never authenticates again.
    """
    service = get_service(session, service_id, for_update=True)
    if service.deleted is None:
        now = utcnow()
        service.status = ServiceStatus.DELETED
        service.deleted = now
        service.modified = now
        service.smtp_password_hash = None
        session.flush()
        record_event(session, action="live_service.deleted", subject_type="live_service",
                     subject_id=service.id, partner_id=service.partner_id,
                     details={"client_id": service.client_id})
        log.info("live_service.deleted", live_service_id=service.id, client_id=service.client_id)
    return describe(session, service)
