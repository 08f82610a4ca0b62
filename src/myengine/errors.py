"""Every failure the API reports, as data.

Each subclass of ``ApiError`` fixes an HTTP status, the ``error.name`` (the reason phrase)
and a stable ``error.code``. ``api.envelope`` is the only place that turns one into JSON;
the API reference lists every code from ``ERROR_CATALOGUE``.
"""

from http import HTTPStatus
from typing import Any, ClassVar


class ApiError(Exception):
    status: ClassVar[int] = 500
    code: ClassVar[str] = "internal_error"
    description: ClassVar[str] = "An unexpected error; the request id identifies it in the logs."

    def __init__(
        self,
        message: str,
        *,
        headers: dict[str, str] | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.headers = headers or {}
        self.details = details or {}

    @property
    def name(self) -> str:
        return HTTPStatus(self.status).phrase


ERROR_CATALOGUE: dict[str, type[ApiError]] = {}


def _register(cls: type[ApiError]) -> type[ApiError]:
    if cls.code in ERROR_CATALOGUE:
        raise RuntimeError(f"error code {cls.code!r} is defined twice")
    ERROR_CATALOGUE[cls.code] = cls
    return cls


def error(status: int, code: str, description: str) -> type[ApiError]:
    """Define and register an ``ApiError`` subclass for one stable code."""
    class_name = "".join(part.title() for part in code.split("_")) + "Error"
    cls = type(
        class_name,
        (ApiError,),
        {"status": status, "code": code, "description": description, "__doc__": description},
    )
    return _register(cls)


InternalError = _register(ApiError)

# 400
InvalidJson = error(400, "invalid_json", "The request body is not valid JSON.")
InvalidFields = error(
    400, "invalid_fields", "`fields` is not a Rison list of known field names."
)
InvalidSearch = error(
    400,
    "invalid_search",
    "`search` is not a Rison object of searchable fields, operators and string or number values.",
)
InvalidCursor = error(400, "invalid_cursor", "`cursor` is not one this API returned.")
InvalidParameter = error(400, "invalid_parameter", "A query parameter has an invalid value.")
InvalidIdempotencyKey = error(
    400,
    "invalid_idempotency_key",
    "The `Idempotency-Key` header is not 1 to 255 printable ASCII characters.",
)

# 401
AuthenticationRequired = error(
    401, "authentication_required", "No HTTP Basic credentials were sent."
)
InvalidCredentials = error(
    401, "invalid_credentials", "The Partner ID and API key do not match an active key."
)
WrongEnvironmentKey = error(
    401,
    "api_key_wrong_environment",
    "The API key belongs to the other deployment (sandbox or production).",
)
ApiKeyRevoked = error(401, "api_key_revoked", "The API key was revoked.")
ApiKeyExpired = error(401, "api_key_expired", "The API key has expired.")

# 403
ApiAccessDisabled = error(403, "api_access_disabled", "The partner's API access is turned off.")
SourceAddressNotAllowed = error(
    403,
    "source_address_not_allowed",
    "The caller's address is outside the partner's allowed source networks.",
)
PartnerRecordReadOnly = error(
    403,
    "partner_record_read_only",
    "The partner's own record cannot be changed or deleted through /clients.",
)
PlatformSuspension = error(
    403,
    "platform_suspension",
    "The service is suspended by the platform (abuse or billing); only the platform lifts it.",
)

# 404
RouteNotFound = error(404, "route_not_found", "No endpoint exists at this path.")
ClientNotFound = error(404, "client_not_found", "No client with this id exists under the partner.")
LiveServiceNotFound = error(
    404, "live_service_not_found", "No live service with this id exists under the partner."
)

# 405
MethodNotAllowed = error(405, "method_not_allowed", "The endpoint does not accept this method.")
InsufficientCredits = error(
    405,
    "insufficient_credits",
    "The partner's Partner Credit balance is lower than the package's cost.",
)

# 409
ClientDeleted = error(
    409,
    "client_deleted",
    "The client is deleted, so it cannot be changed, get new services or have them unsuspended.",
)
UsernameTaken = error(
    409, "username_taken", "Another client of the partner that is not deleted has this username."
)
ExternalUseridTaken = error(
    409,
    "external_userid_taken",
    "Another client of the partner that is not deleted has this external_userid.",
)
ClientNotDeleted = error(
    409,
    "client_not_deleted",
    "The client is not deleted, so it has no erasure receipt; delete it first.",
)
ClientAnonymised = error(
    409,
    "client_anonymised",
    "The client's personal data was erased by anonymisation, so it cannot be restored.",
)
LiveServiceDeleted = error(
    409, "live_service_deleted", "The live service is deleted, so it cannot be changed."
)
SamePackage = error(409, "same_package", "The service already has the requested package.")
IdempotencyKeyReused = error(
    409,
    "idempotency_key_reused",
    "The `Idempotency-Key` was already used for a request with another method, path or body.",
)
IdempotencyKeyInProgress = error(
    409,
    "idempotency_key_in_progress",
    "A request with this `Idempotency-Key` is still running; retry after `Retry-After` seconds.",
)
ClientSuspended = error(
    409,
    "client_suspended",
    "The client is suspended, so its services cannot be created or unsuspended; re-enable it first.",
)

# 413, 422, 429, 5xx
RequestTooLarge = error(413, "request_too_large", "The request body exceeds the size limit.")
ValidationFailed = error(
    422, "validation_failed", "A field is missing or has an invalid value; `error.field` names it."
)
UnknownField = error(422, "unknown_field", "The body contains a field the endpoint does not accept.")
InvalidServiceName = error(
    422,
    "invalid_service_name",
    "`service_name` is not an available package of the service's product.",
)
MailboxLimitExceeded = error(
    422,
    "mailbox_limit_exceeded",
    "`mailboxes` is more than the package's licensed mailbox count.",
)
RateLimited = error(429, "rate_limited", "Too many requests; retry after `Retry-After` seconds.")
StoreUnavailable = error(
    503, "store_unavailable", "The database is unavailable; retry after `Retry-After` seconds."
)
