"""Request bodies for changing a live service, and the wire representation of a service."""

from typing import Any

from pydantic import BaseModel, Field

from myengine.api.envelope import ListMeta
from myengine.api.fields import Flag, RequestBody, render_timestamp, text
from myengine.live_services.models import LiveService, Package
from myengine.live_services.products import MailboxCount

# Keys common to every service; product fields follow them.
SERVICE_FIELDS = (
    "id", "live_service_id", "client_id", "product", "service_name", "status",
    "suspension_causes", "domain", "whmcs_service_id", "created", "modified", "deleted",
)


class RegradeBody(RequestBody):
    service_name: text(64, min_length=1) = Field(  # type: ignore[valid-type]
        description="Another package of the service's product, from `regrade_servicenames`."
    )
    mailboxes: MailboxCount | None = Field(
        default=None,
        description="proFilter only: the new licensed mailbox count, at most the new "
        "package's limit. Needed when the current count is over that limit.",
    )


class SuspensionBody(RequestBody):
    suspend: Flag = Field(description="1 (or true) suspends; 0 (or false) unsuspends.")


def render_service(
    service: LiveService,
    causes: list[str],
    *,
    regrade_targets: list[str] | None = None,
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": service.id,
        "live_service_id": service.id,
        "client_id": service.client_id,
        "product": service.product,
        "service_name": service.service_name,
        "status": service.status,
        "suspension_causes": causes,
        "domain": service.domain,
        "whmcs_service_id": service.whmcs_service_id,
        "created": render_timestamp(service.created),
        "modified": render_timestamp(service.modified),
        "deleted": render_timestamp(service.deleted),
        **(service.attributes or {}),
    }
    if regrade_targets is not None:
        data["regrade_servicenames"] = regrade_targets
        # Older integrations read the misspelt key; it carries the same list.
        data["regarde_servicenames"] = regrade_targets
    return data


def render_package(package: Package) -> dict[str, Any]:
    return {
        "service_name": package.service_name,
        "product": package.product,
        "description": package.description,
        "credits": package.credits,
        "limits": package.limits or {},
    }


class LiveServiceOut(BaseModel):
    """A live service as the API returns it (documentation model)."""

    id: int
    live_service_id: int = Field(description="The same as `id`.")
    client_id: int = Field(description="The holder: a client id, or the Partner ID.")
    product: str = Field(description="outMail, proFilter, fakeMX, backupMX, masterDNS or backupDNS.")
    service_name: str = Field(description="The package, from /live_services/service_names.")
    status: str = Field(description="live, suspended or deleted.")
    suspension_causes: list[str] = Field(
        description="Causes in force: partner, client_suspended, client_deleted, "
        "platform_abuse, platform_billing."
    )
    domain: str | None = Field(description="Lower-case IDNA A-label name, or null.")
    whmcs_service_id: str | None
    created: str
    modified: str
    deleted: str | None
    smtp_username: str | None = Field(default=None, description="outMail only.")
    mailboxes: int | None = Field(default=None, description="proFilter only: licensed mailboxes.")
    destination: str | None = Field(
        default=None, description="backupMX only: the primary mail server queued mail goes to."
    )
    master_addresses: list[str] | None = Field(
        default=None, description="backupDNS only: addresses of the master servers."
    )


class LiveServiceDetailOut(LiveServiceOut):
    regrade_servicenames: list[str] = Field(
        description="Packages the service may move to with PATCH; empty once deleted."
    )
    regarde_servicenames: list[str] = Field(
        description="The same list as `regrade_servicenames`, for older integrations."
    )


class LiveServiceCreatedOut(LiveServiceDetailOut):
    smtp_password: str | None = Field(
        default=None,
        description="outMail only: the SMTP password. It appears in this response only and "
        "cannot be retrieved later.",
    )


class PackageOut(BaseModel):
    """A package of the tariff (documentation model)."""

    service_name: str
    product: str
    description: str
    credits: int = Field(description="Partner Credits charged when a service is created with it.")
    limits: dict[str, Any] = Field(
        description="The package's allowance, such as `mailboxes` or `messages_per_day`."
    )


class TariffMeta(ListMeta):
    credit: int = Field(description="The partner's current Partner Credit balance.")


class TariffEnvelope(BaseModel):
    meta: TariffMeta
    data: list[PackageOut]
