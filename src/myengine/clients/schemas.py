"""Request bodies and the wire representation of a client."""

import re
from typing import Any

import pycountry
from pydantic import BaseModel, EmailStr, Field, field_validator

from myengine.api.fields import Flag, RequestBody, render_timestamp, text
from myengine.clients.models import Client

USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}$")
PHONE = re.compile(r"^\+?[0-9 ().-]{3,32}$")

# Every key a client carries on the wire, in output order.
CLIENT_FIELDS = (
    "id", "external_userid", "username", "email", "title", "firstname", "surname", "company",
    "phone", "address1", "address2", "city", "region", "postcode", "country", "active",
    "verified", "client_status_id", "created", "modified", "deleted", "anonymise_after",
    "anonymised",
)
TIMESTAMP_FIELDS = ("created", "modified", "deleted", "anonymise_after", "anonymised")
FLAG_FIELDS = ("active", "verified")


class _ClientFields(RequestBody):
    external_userid: text(64) | None = None
    title: text(32) | None = None
    firstname: text(128) | None = None
    surname: text(128) | None = None
    company: text(255) | None = None
    phone: text(32) | None = None
    address1: text(255) | None = None
    address2: text(255) | None = None
    city: text(128) | None = None
    region: text(128) | None = None
    postcode: text(32) | None = None
    country: str | None = Field(default=None, description="ISO 3166-1 alpha-2 code, e.g. GB.")
    verified: Flag | None = None

    @field_validator("country")
    @classmethod
    def _country(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        code = value.strip().upper()
        if len(code) != 2 or pycountry.countries.get(alpha_2=code) is None:
            raise ValueError(f"{value!r} is not an ISO 3166-1 alpha-2 country code such as GB or DE")
        return code

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        if value and not PHONE.match(value):
            raise ValueError(f"{value!r} is not a phone number; use digits, spaces, +, -, ( and )")
        return value or None

    @field_validator("external_userid")
    @classmethod
    def _external_userid(cls, value: str | None) -> str | None:
        return value or None

    @field_validator("username", check_fields=False)
    @classmethod
    def _username(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip()
        if not USERNAME.match(value):
            raise ValueError(
                f"{value!r} is not a valid username; use 1 to 128 letters, digits and . _ @ + -, "
                "starting with a letter or digit"
            )
        return value


class ClientCreate(_ClientFields):
    username: str
    email: EmailStr
    active: Flag = True


class ClientUpdate(_ClientFields):
    """Any subset of the writable fields. ``active`` suspends or re-enables like /enabled."""

    username: str | None = None
    email: EmailStr | None = None
    active: Flag | None = None


class EnableBody(RequestBody):
    enable: Flag


def render_client(client: Client, *, credit: int | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name in CLIENT_FIELDS:
        value = getattr(client, name)
        if name in TIMESTAMP_FIELDS:
            value = render_timestamp(value)
        elif name in FLAG_FIELDS:
            value = int(bool(value))
        data[name] = value
    if credit is not None:
        data["credit"] = credit
    return data


class ClientOut(BaseModel):
    """A client as the API returns it (documentation model)."""

    id: int
    external_userid: str | None
    username: str | None
    email: str | None
    title: str | None
    firstname: str | None
    surname: str | None
    company: str | None
    phone: str | None
    address1: str | None
    address2: str | None
    city: str | None
    region: str | None
    postcode: str | None
    country: str | None
    active: int = Field(description="1 or 0.")
    verified: int = Field(description="1 once the client confirmed its email address, else 0.")
    client_status_id: int = Field(
        description="1 active, 2 suspended, 3 deleted and awaiting anonymisation, 4 anonymised."
    )
    created: str
    modified: str
    deleted: str | None
    anonymise_after: str | None
    anonymised: str | None


class PartnerRecordOut(ClientOut):
    credit: int = Field(description="The partner's Partner Credit balance.")
