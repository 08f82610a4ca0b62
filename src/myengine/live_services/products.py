"""The six products: the fields each one takes on create and how they are validated.

Every create body carries ``client_id``, ``service_name`` and ``whmcs_service_id``; each
product adds its own fields. A field that belongs to another product is an unknown field.
Domain names are stored as lower-case IDNA A-labels, addresses in their compressed form.
"""

import ipaddress
import re
from dataclasses import dataclass
from typing import Annotated, Any

import idna
from pydantic import AfterValidator, BeforeValidator, Field, field_validator

from myengine.api.fields import RequestBody, text
from myengine.errors import MailboxLimitExceeded
from myengine.live_services.models import Package, Product

MAX_DNS_NAME_LENGTH = 253
MIN_MASTER_ADDRESSES = 1
MAX_MASTER_ADDRESSES = 4
MAX_MAILBOXES = 1_000_000

_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
_ADDRESS_SEPARATORS = re.compile(r"[,\s]+")


def normalise_dns_name(value: str) -> str:
    """Return ``value`` as a lower-case IDNA A-label name without a trailing dot.

    Internationalised names are mapped with UTS #46 and encoded under IDNA 2008, so
    ``Bücher.Example.`` becomes ``xn--bcher-kva.example``. A name needs at least two labels,
    and its last label cannot be all digits, which also rules out IPv4 addresses.
    """
    candidate = value.strip().removesuffix(".")
    if not candidate:
        raise ValueError("the name is empty; send a DNS name such as example.com")
    if _is_ip_address(candidate):
        raise ValueError(f"{value!r} is an IP address; send a DNS name such as example.com")

    try:
        name = idna.encode(candidate, uts46=True).decode("ascii").lower()
    except idna.IDNAError as exc:
        raise ValueError(
            f"{value!r} is not a valid DNS name ({exc}); use letters, digits and hyphens "
            "in dot-separated labels, such as example.com"
        ) from None

    labels = name.split(".")
    if len(labels) < 2:
        raise ValueError(
            f"{value!r} is a single label; send a fully qualified name such as example.com"
        )
    for label in labels:
        if not _LABEL.match(label):
            raise ValueError(
                f"label {label!r} of {value!r} is invalid; a label is 1 to 63 letters, digits "
                "and hyphens, and does not start or end with a hyphen"
            )
    if labels[-1].isdigit():
        raise ValueError(f"{value!r} ends in an all-digit label; send a name such as example.com")
    if len(name) > MAX_DNS_NAME_LENGTH:
        raise ValueError(
            f"{value!r} is {len(name)} characters long as an A-label name; the maximum is "
            f"{MAX_DNS_NAME_LENGTH}"
        )
    return name


def normalise_ip_address(value: str) -> str:
    """Return ``value`` as a compressed IPv4 or IPv6 address that a remote server can hold.

    Private ranges are accepted because a self-hosted deployment may reach servers inside its
    own network. Unspecified, loopback, link-local, multicast and reserved addresses are not.
    """
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        raise ValueError(
            f"{value!r} is not an IPv4 or IPv6 address; write it like 192.0.2.53 or 2001:db8::53"
        ) from None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if (
        address.is_unspecified
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
    ):
        raise ValueError(
            f"{value!r} is an unspecified, loopback, link-local, multicast or reserved address; "
            "send the address at which the server is reachable"
        )
    return str(address)


def _is_ip_address(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def _normalise_mail_host(value: str) -> str:
    if _is_ip_address(value.strip()):
        return normalise_ip_address(value)
    return normalise_dns_name(value)


def _split_addresses(value: Any) -> Any:
    # Integrations may send one comma- or space-separated string instead of a JSON list.
    if isinstance(value, str):
        return [part for part in _ADDRESS_SEPARATORS.split(value) if part]
    return value


def _check_master_addresses(values: list[str]) -> list[str]:
    if not MIN_MASTER_ADDRESSES <= len(values) <= MAX_MASTER_ADDRESSES:
        raise ValueError(
            f"{len(values)} addresses were sent; send {MIN_MASTER_ADDRESSES} to "
            f"{MAX_MASTER_ADDRESSES} IPv4 or IPv6 addresses of the master servers"
        )
    addresses: list[str] = []
    for value in values:
        address = normalise_ip_address(value)
        if address in addresses:
            raise ValueError(f"{value!r} is listed twice; list each master server once")
        addresses.append(address)
    return addresses


def _reject_bool(value: Any) -> Any:
    # Pydantic reads true as 1; a count sent as a flag is a mistake, not one mailbox.
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a number of mailboxes; send a whole number")
    return value


def domain_search_value(value: str, pattern: bool) -> str:
    """Return a ``domain`` search value in the stored form, so a U-label name finds its A-label.

    An exact value is normalised like a stored name. A value that is not a valid name is
    compared as sent, in lower case, so it matches nothing. In a LIKE pattern each label holding no
    wildcard is converted on its own. A label that mixes a wildcard with non-ASCII letters has
    no A-label form, and raises ValueError.
    """
    if not pattern:
        try:
            return normalise_dns_name(value)
        except ValueError:
            return value.strip().lower()
    if value.isascii():
        return value
    labels = []
    for label in value.split("."):
        if label.isascii():
            labels.append(label)
        elif "%" in label or "_" in label:
            raise ValueError(
                f"label {label!r} mixes a wildcard with non-ASCII letters; write that label "
                "in its A-label form (xn--...)"
            )
        else:
            try:
                labels.append(idna.encode(label, uts46=True).decode("ascii"))
            except idna.IDNAError as exc:
                raise ValueError(f"label {label!r} is not a valid DNS label ({exc})") from None
    return ".".join(labels)


DnsName = Annotated[str, AfterValidator(normalise_dns_name)]
MailHost = Annotated[str, AfterValidator(_normalise_mail_host)]
MasterAddresses = Annotated[
    list[str], BeforeValidator(_split_addresses), AfterValidator(_check_master_addresses)
]
MailboxCount = Annotated[
    int, BeforeValidator(_reject_bool), Field(ge=1, le=MAX_MAILBOXES)
]


def mailbox_limit(package: Package) -> int | None:
    """Return the number of mailboxes ``package`` licenses, or None when it sets no limit."""
    limit = (package.limits or {}).get("mailboxes")
    return int(limit) if limit is not None else None


def check_mailboxes(count: int, package: Package) -> None:
    """Raise ``MailboxLimitExceeded`` when ``count`` is more than ``package`` licenses."""
    limit = mailbox_limit(package)
    if limit is not None and count > limit:
        raise MailboxLimitExceeded(
            f"mailboxes={count} is more than package {package.service_name!r} licenses "
            f"({limit}); send at most {limit}, or choose a larger package.",
            details={"field": "mailboxes"},
        )


class ServiceCreate(RequestBody):
    """Fields every product takes on create."""

    client_id: int | None = Field(
        default=None,
        description="The client the service belongs to. Omit it, or send your Partner ID, "
        "for a service under your own account.",
    )
    service_name: text(64, min_length=1) = Field(  # type: ignore[valid-type]
        description="A package of this product, from GET /live_services/service_names."
    )
    whmcs_service_id: text(64) | None = Field(  # type: ignore[valid-type]
        default=None, description="Your billing system's reference for this service."
    )

    @field_validator("whmcs_service_id")
    @classmethod
    def _empty_reference_is_none(cls, value: str | None) -> str | None:
        return value or None

    def product_attributes(self, package: Package) -> dict[str, Any]:
        """Return the product's own fields to store on the service, checked against ``package``."""
        return {}


class OutMailCreate(ServiceCreate):
    domain: DnsName | None = Field(
        default=None, description="The sender domain the relay serves, if there is one."
    )


class ProFilterCreate(ServiceCreate):
    domain: DnsName = Field(description="The domain whose inbound mail is filtered.")
    mailboxes: MailboxCount | None = Field(
        default=None,
        description="Licensed mailboxes, at most the package's `mailboxes` limit. "
        "Omitted, it is that limit.",
    )

    def product_attributes(self, package: Package) -> dict[str, Any]:
        count = self.mailboxes if self.mailboxes is not None else mailbox_limit(package)
        if count is not None:
            check_mailboxes(count, package)
        return {"mailboxes": count}


class FakeMxCreate(ServiceCreate):
    domain: DnsName = Field(description="The domain that gets the decoy MX record.")


class BackupMxCreate(ServiceCreate):
    domain: DnsName = Field(description="The domain whose mail is queued while its MX is down.")
    destination: MailHost = Field(
        description="Host name or IP address of the domain's primary mail server, where "
        "queued mail is delivered."
    )

    def product_attributes(self, package: Package) -> dict[str, Any]:
        return {"destination": self.destination}


class MasterDnsCreate(ServiceCreate):
    domain: DnsName = Field(description="The zone the platform serves as primary.")


class BackupDnsCreate(ServiceCreate):
    domain: DnsName = Field(description="The zone the platform serves as secondary.")
    master_addresses: MasterAddresses = Field(
        description="1 to 4 IPv4 or IPv6 addresses of the master servers that allow zone "
        "transfers to the platform. A comma-separated string is also accepted."
    )

    def product_attributes(self, package: Package) -> dict[str, Any]:
        return {"master_addresses": self.master_addresses}


@dataclass(frozen=True)
class ProductSpec:
    product: Product
    # The collection path under /api-v1 where the product's services are created and listed.
    collection: str
    create_body: type[ServiceCreate]
    # Product-specific keys on the service's wire representation.
    fields: tuple[str, ...]


PRODUCTS: dict[Product, ProductSpec] = {
    spec.product: spec
    for spec in (
        ProductSpec(Product.OUTMAIL, "outmails", OutMailCreate, ("smtp_username",)),
        ProductSpec(Product.PROFILTER, "profilters", ProFilterCreate, ("mailboxes",)),
        ProductSpec(Product.FAKEMX, "fakemxs", FakeMxCreate, ()),
        ProductSpec(Product.BACKUPMX, "backupmxs", BackupMxCreate, ("destination",)),
        ProductSpec(Product.MASTERDNS, "masterdns", MasterDnsCreate, ()),
        ProductSpec(Product.BACKUPDNS, "backupdns", BackupDnsCreate, ("master_addresses",)),
    )
}

# Product-specific keys that may appear on a service, across all products.
PRODUCT_FIELDS: tuple[str, ...] = tuple(
    dict.fromkeys(name for spec in PRODUCTS.values() for name in spec.fields)
)
