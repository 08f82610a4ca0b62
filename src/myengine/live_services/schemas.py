"""The wire representation of a live service."""

from typing import Any

from pydantic import BaseModel, Field

from myengine.api.fields import render_timestamp
from myengine.live_services.models import LiveService

# Keys common to every service; product fields follow them.
SERVICE_FIELDS = (
    "id", "live_service_id", "client_id", "product", "service_name", "status",
    "suspension_causes", "domain", "whmcs_service_id", "created", "modified", "deleted",
)


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


class LiveServiceOut(BaseModel):
    """A live service as the API returns it (documentation model)."""

    id: int
    live_service_id: int = Field(description="The same as `id`.")
    client_id: int
    product: str = Field(description="outMail, proFilter, fakeMX, backupMX, masterDNS or backupDNS.")
    service_name: str = Field(description="The package, from /live_services/service_names.")
    status: str = Field(description="live, suspended or deleted.")
    suspension_causes: list[str] = Field(
        description="Causes in force: partner, client_suspended, client_deleted, "
        "platform_abuse, platform_billing."
    )
    domain: str | None
    whmcs_service_id: str | None
    created: str
    modified: str
    deleted: str | None
