"""A client's whole life on an injected clock, followed by a search of every table.

The client is created, given services, deleted, restored, deleted again and anonymised.
Afterwards no table may contain a personal value that was sent, and every kept record remains.
"""

import secrets

from sqlalchemy import func, select

from myengine.audit.models import AuditEvent
from myengine.clients.models import Client, ClientStatus
from myengine.credits.models import LedgerEntry
from myengine.live_services.models import LiveService, ServiceStatus, Suspension
from tests.retention.support import (
    data,
    find_values,
    personal_client_body,
    run_anonymisations,
    scanned_values,
)

GRACE_DAYS = 30


def service_bodies(client_id: int) -> list[tuple[str, dict]]:
    tag = secrets.token_hex(4)
    # Groups of four hex digits without a leading zero stay as written when normalised.
    group, subnet = (f"{secrets.randbelow(0xF000) + 0x1000:x}" for _ in range(2))
    return [
        ("/profilters", {"client_id": client_id, "service_name": "profilter-5",
                         "domain": f"zhome-{tag}.example", "whmcs_service_id": f"zwh-{tag}"}),
        ("/backupdns", {"client_id": client_id, "service_name": "backupdns",
                        "domain": f"zzone-{tag}.example",
                        "master_addresses": [f"2001:db8:{group}:{subnet}::53"]}),
        ("/outmails", {"client_id": client_id, "service_name": "outmail-500",
                       "domain": f"zmail-{tag}.example"}),
    ]


def service_values(bodies: list[tuple[str, dict]]) -> list[str]:
    values = []
    for _, body in bodies:
        values.append(body["domain"])
        values.extend(body.get("master_addresses", []))
        if "whmcs_service_id" in body:
            values.append(body["whmcs_service_id"])
    return values


def test_client_lifecycle_leaves_no_personal_value(api, database, settings, clock):
    body = personal_client_body()
    client = data(api.post("/clients", json=body))
    client_id = client["id"]
    edits = {"surname": f"Zedited{secrets.token_hex(4)}", "city": f"Zmoved{secrets.token_hex(4)}"}
    data(api.patch(f"/clients/{client_id}", json=edits))

    bodies = service_bodies(client_id)
    service_ids = [data(api.post(path, json=service))["id"] for path, service in bodies]
    # Every value ever sent, and the ones stored now (the edits replaced two of them).
    personal = scanned_values(body) + list(edits.values()) + service_values(bodies)
    current = scanned_values({**body, **edits}) + service_values(bodies)

    # First delete: disabled, services suspended, anonymisation scheduled.
    deleted = data(api.delete(f"/clients/{client_id}"))
    assert deleted["client_status_id"] == ClientStatus.DELETED
    for service_id in service_ids:
        assert data(api.get(f"/live_services/{service_id}"))["status"] == ServiceStatus.SUSPENDED

    # Restore within the grace period: the client comes back, its services stay suspended.
    clock.advance(days=10)
    restored = data(api.post(f"/clients/{client_id}/restore"))
    assert restored["client_status_id"] == ClientStatus.ACTIVE
    assert restored["anonymise_after"] is None
    for service_id in service_ids:
        assert "client_deleted" in data(api.get(f"/live_services/{service_id}"))["suspension_causes"]

    # Second delete: a new grace period starts now.
    clock.advance(days=1)
    deleted_again = data(api.delete(f"/clients/{client_id}"))
    assert deleted_again["client_status_id"] == ClientStatus.DELETED

    # The first deletion's date passes: nothing is erased, because that job was cancelled.
    clock.advance(days=GRACE_DAYS - 1)
    run_anonymisations(database, settings)
    assert data(api.get(f"/clients/{client_id}"))["username"] == body["username"]
    assert {hit.value for hit in find_values(database, current)} == {v.lower() for v in current}

    # The second deletion's grace period ends: everything personal is erased.
    clock.advance(days=2)
    run_anonymisations(database, settings)
    anonymised = data(api.get(f"/clients/{client_id}"))
    assert anonymised["client_status_id"] == ClientStatus.ANONYMISED
    assert anonymised["username"] == f"anonymised-{client_id}"
    assert anonymised["email"] is None
    assert anonymised["country"] is None
    assert find_values(database, personal) == []

    # Running the job again changes nothing.
    clock.advance(days=1)
    run_anonymisations(database, settings)
    assert data(api.get(f"/clients/{client_id}")) == anonymised

    # Every kept record is still there.
    with database.read(operator=True) as session:
        record = session.get(Client, client_id)
        assert record.created is not None
        assert record.deleted is not None
        services = list(session.scalars(select(LiveService).where(LiveService.id.in_(service_ids))))
        assert len(services) == 3
        assert {service.status for service in services} == {ServiceStatus.DELETED}
        suspensions = session.scalar(
            select(func.count()).select_from(Suspension)
            .where(Suspension.live_service_id.in_(service_ids))
        )
        assert suspensions >= 3
        charges = session.scalar(
            select(func.count()).select_from(LedgerEntry)
            .where(LedgerEntry.live_service_id.in_(service_ids))
        )
        assert charges == 3
        actions = list(session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.subject_type == "client", AuditEvent.subject_id == client_id)
            .order_by(AuditEvent.id)
        ))
    assert actions == [
        "client.created", "client.updated", "client.deleted", "client.restored",
        "client.deleted", "client.anonymised",
    ]
