"""Helpers for the retention tests: personal test values and a scan of every table."""

import json
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from myengine.db.engine import Database
from myengine.db.models import Base
from myengine.jobs.worker import Worker
from myengine.partners.models import Partner
from myengine.retention.operations import ANONYMISE_JOB


@dataclass(frozen=True)
class Hit:
    table: str
    column: str
    value: str


def personal_client_body() -> dict[str, Any]:
    """A client whose every personal value is unique to this call, so a scan finds only it."""
    tag = secrets.token_hex(4)
    digits = str(secrets.randbelow(10**8)).zfill(8)
    return {
        "username": f"zu{tag}",
        "email": f"ze{tag}@mail.example",
        "title": f"Zt{tag}",
        "firstname": f"Zf{tag}",
        "surname": f"Zs{tag}",
        "company": f"Zc{tag} Ltd",
        "phone": f"+44 {digits}",
        "address1": f"{tag} Zaddress Street",
        "address2": f"Zflat {tag}",
        "city": f"Zcity{tag}",
        "region": f"Zregion{tag}",
        "postcode": f"Z{tag}",
        "country": "GB",
        "external_userid": f"zx-{tag}",
    }


def scanned_values(body: dict[str, Any]) -> list[str]:
    """The values of ``body`` long and unique enough to search the whole store for."""
    return [value for key, value in body.items() if key != "country" and value is not None]


def find_values(database: Database, values: list[str]) -> list[Hit]:
    """Every (table, column) of the whole database where one of ``values`` appears."""
    needles = [value.lower() for value in values]
    hits = []
    with database.read(operator=True) as session:
        for table in Base.metadata.sorted_tables:
            for row in session.execute(select(table)).mappings():
                for column, cell in row.items():
                    text = json.dumps(cell, default=str) if not isinstance(cell, str) else cell
                    text = text.lower()
                    for needle in needles:
                        if needle in text:
                            hits.append(Hit(table.name, column, needle))
    return hits


def set_grace_days(database: Database, partner_id: int, days: int | None) -> None:
    with database.write(operator=True) as session:
        partner = session.get(Partner, partner_id)
        assert partner is not None
        partner.retention_grace_days = days


def run_anonymisations(database: Database, settings) -> int:  # type: ignore[no-untyped-def]
    return Worker(database, settings, name="retention-test", kinds={ANONYMISE_JOB}).run_once()


def data(response) -> Any:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.text
    return response.json()["data"]


def error(response, status: int) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.text
    return response.json()["error"]
