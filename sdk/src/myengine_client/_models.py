"""Typed records returned by the API.

Every field is optional because a list called with ``fields=[...]`` returns only the keys
asked for; ``model_fields_set`` contains the keys the API actually sent. Keys this version of
the client does not know (a product's own fields, fields added later) are kept and can be
read as attributes or through ``model_extra``. Flags stay as the API sends them, 1 or 0.
"""

import datetime as dt
import enum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class ClientStatus(enum.IntEnum):
    """Values of ``client_status_id``."""

    ACTIVE = 1
    SUSPENDED = 2
    DELETED = 3  # deleted and awaiting anonymisation
    ANONYMISED = 4


class ServiceStatus(enum.StrEnum):
    """Values of a live service's ``status``."""

    LIVE = "live"
    SUSPENDED = "suspended"
    DELETED = "deleted"


class Product(enum.StrEnum):
    """The six products a live service can be."""

    OUTMAIL = "outMail"
    PROFILTER = "proFilter"
    FAKEMX = "fakeMX"
    BACKUPMX = "backupMX"
    MASTERDNS = "masterDNS"
    BACKUPDNS = "backupDNS"


class Record(BaseModel):
    """Base of every record: unknown keys are kept, and nothing is required."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    def to_dict(self) -> dict[str, Any]:
        """Return the keys the API sent, as JSON-compatible values."""
        return self.model_dump(mode="json", exclude_unset=True)


class ClientRecord(Record):
    """A partner's client (an end-user), in any state; a deleted client is a tombstone."""

    id: int | None = None
    external_userid: str | None = None
    username: str | None = None
    email: str | None = None
    title: str | None = None
    firstname: str | None = None
    surname: str | None = None
    company: str | None = None
    phone: str | None = None
    address1: str | None = None
    address2: str | None = None
    city: str | None = None
    region: str | None = None
    postcode: str | None = None
    country: str | None = Field(default=None, description="ISO 3166-1 alpha-2 code.")
    active: int | None = Field(default=None, description="1 or 0.")
    verified: int | None = Field(default=None, description="1 once the email is confirmed.")
    client_status_id: int | None = Field(default=None, description="See ``ClientStatus``.")
    created: dt.datetime | None = None
    modified: dt.datetime | None = None
    deleted: dt.datetime | None = None
    anonymise_after: dt.datetime | None = None
    anonymised: dt.datetime | None = None


class PartnerRecord(ClientRecord):
    """The partner's own record, with its Partner Credit balance."""

    credit: int | None = None


class LiveService(Record):
    """A service a client (or the partner itself) holds, with the product's own fields."""

    id: int | None = None
    live_service_id: int | None = None
    client_id: int | None = None
    product: str | None = Field(default=None, description="See ``Product``.")
    service_name: str | None = Field(default=None, description="The package.")
    status: str | None = Field(default=None, description="See ``ServiceStatus``.")
    suspension_causes: list[str] | None = None
    domain: str | None = None
    whmcs_service_id: str | None = None
    created: dt.datetime | None = None
    modified: dt.datetime | None = None
    deleted: dt.datetime | None = None
    regrade_servicenames: list[str] | None = Field(
        default=None, description="Packages the service may be regraded to (not on lists)."
    )
    smtp_username: str | None = Field(default=None, description="outMail only.")
    smtp_password: str | None = Field(
        default=None,
        repr=False,
        description="outMail only, and only in the response of the create.",
    )
    mailboxes: int | None = Field(default=None, description="proFilter only.")
    destination: str | None = Field(default=None, description="backupMX only.")
    master_addresses: list[str] | None = Field(default=None, description="backupDNS only.")


class Package(Record):
    """One entry of the tariff: a package of one product and its cost in Partner Credits."""

    service_name: str | None = None
    product: str | None = None
    description: str | None = None
    credits: int | None = Field(default=None, description="Cost in Partner Credits.")
    limits: dict[str, Any] | None = Field(
        default=None, description='The package\'s allowance, such as ``{"mailboxes": 25}``.'
    )


class Tariff(Record):
    """The packages on sale and the partner's current Partner Credit balance."""

    packages: list[Package] = Field(default_factory=list)
    credit: int | None = None


class DeletionPreview(Record):
    """Preview of a client deletion, computed by the API without changing anything."""

    dry_run: bool | None = None
    client_id: int | None = None
    client_status_id: int | None = Field(default=None, description="The client's status now.")
    would_change: bool | None = Field(default=None, description="False when already deleted.")
    client_status_id_after: int | None = None
    suspend_live_service_ids: list[int] | None = None
    anonymise_after: dt.datetime | None = None
    anonymised: dt.datetime | None = None
    terminate_live_service_ids_at_anonymisation: list[int] | None = None
    anonymise: list[dict[str, Any]] | None = Field(
        default=None, description="Each field anonymisation would erase, and its replacement."
    )
    kept: list[dict[str, Any]] | None = Field(
        default=None, description="Each class of records kept after anonymisation, and why."
    )
    policy_url: str | None = None


class ErasureReceipt(Record):
    """Receipt of a deleted client's anonymisation: fields erased (or to be), records kept."""

    client_id: int | None = None
    client_status_id: int | None = None
    deleted: dt.datetime | None = None
    anonymise_after: dt.datetime | None = None
    anonymised: dt.datetime | None = None
    erased: list[dict[str, Any]] | None = Field(
        default=None, description="Each erased field, its replacement and when it was erased."
    )
    kept: list[dict[str, Any]] | None = Field(
        default=None, description="Each class of records kept after anonymisation, and why."
    )
    policy_url: str | None = None


class AuditEvent(Record):
    """One change to the partner's data, with who made it; never carries a personal value."""

    id: int | None = None
    occurred: dt.datetime | None = None
    action: str | None = Field(default=None, description="Such as ``client.deleted``.")
    subject_type: str | None = Field(default=None, description="``client``, ``live_service``, ...")
    subject_id: int | None = None
    actor_type: str | None = Field(
        default=None, description="``api_key``, ``operator`` or ``worker``."
    )
    partner_id: int | None = None
    api_key_id: int | None = None
    job_id: int | None = None
    request_id: str | None = None
    correlation_id: str | None = None
    details: dict[str, Any] | None = None
