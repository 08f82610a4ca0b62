"""Actor binding: the actor, request id and correlation id that audit events record.

The API's ``authenticate`` dependency binds an API-key actor for each request, the operator
command line binds an operator actor for each command, and the job worker binds a worker
actor for each job. The binding lives in a context variable, so every change made while
serving one request, command or job shares one correlation id: a delete and the
suspensions it causes can be found together.
"""

import enum
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


class ActorType(enum.StrEnum):
    API_KEY = "api_key"
    OPERATOR = "operator"
    WORKER = "worker"
    # A partner's user in the portal. Its events carry ``portal_user_id`` in details whenever
    # the user is known, which is not yet the case at sign-up.
    PORTAL_USER = "portal_user"
    # A change made where nothing bound an actor; ``record_event`` logs a warning for each.
    UNBOUND = "unbound"


@dataclass(frozen=True)
class AuditActor:
    type: ActorType
    correlation_id: str
    partner_id: int | None = None
    api_key_id: int | None = None
    request_id: str | None = None
    job_id: int | None = None
    portal_user_id: int | None = None


_current: ContextVar[AuditActor | None] = ContextVar("audit_actor", default=None)


def new_correlation_id() -> str:
    return f"cor_{uuid.uuid4().hex}"


def current_actor() -> AuditActor | None:
    return _current.get()


def bind_api_actor(partner_id: int, api_key_id: int, request_id: str) -> AuditActor:
    """Bind the calling partner's API key as the actor for the rest of this request."""
    actor = AuditActor(
        type=ActorType.API_KEY,
        correlation_id=new_correlation_id(),
        partner_id=partner_id,
        api_key_id=api_key_id,
        request_id=request_id or None,
    )
    _current.set(actor)
    return actor


def bind_operator_actor() -> AuditActor:
    """Bind the platform operator (the command line) as the actor for the rest of this command."""
    actor = AuditActor(type=ActorType.OPERATOR, correlation_id=new_correlation_id())
    _current.set(actor)
    return actor


@contextmanager
def acting_as(actor: AuditActor) -> Iterator[AuditActor]:
    """Bind ``actor`` inside the ``with`` block and restore the previous binding after it."""
    token = _current.set(actor)
    try:
        yield actor
    finally:
        _current.reset(token)


def worker_actor(job_id: int) -> AuditActor:
    return AuditActor(type=ActorType.WORKER, correlation_id=new_correlation_id(), job_id=job_id)
