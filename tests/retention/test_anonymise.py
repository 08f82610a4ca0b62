"""anonymise_client and the client.anonymise job, called directly."""

import datetime as dt

from sqlalchemy import func, select

from myengine.audit.context import acting_as, worker_actor
from myengine.audit.models import AuditEvent
from myengine.clients.models import Client
from myengine.live_services.models import LiveService
from myengine.retention.anonymise import Outcome, anonymise_client, numbers_and_flags
from tests.factories import create_client
from tests.retention.support import data, set_grace_days


def anonymise(database, client_id: int) -> Outcome:  # type: ignore[no-untyped-def]
    with acting_as(worker_actor(0)), database.write(operator=True) as session:
        return anonymise_client(session, client_id).outcome


def test_client_that_is_not_deleted_is_left_alone(api, database):
    client = create_client(api)
    assert anonymise(database, client["id"]) is Outcome.NOT_DELETED
    assert data(api.get(f"/clients/{client['id']}")) == client


def test_client_inside_its_grace_period_is_left_alone(api, database):
    client = create_client(api)
    data(api.delete(f"/clients/{client['id']}"))
    assert anonymise(database, client["id"]) is Outcome.NOT_DUE
    assert data(api.get(f"/clients/{client['id']}"))["username"] == client["username"]


def test_second_run_changes_nothing(api, database, partner, clock):
    set_grace_days(database, partner.partner_id, 0)
    client = create_client(api)
    data(api.delete(f"/clients/{client['id']}"))
    assert anonymise(database, client["id"]) is Outcome.ANONYMISED
    first = data(api.get(f"/clients/{client['id']}"))
    clock.advance(days=1)
    assert anonymise(database, client["id"]) is Outcome.ALREADY_ANONYMISED
    assert data(api.get(f"/clients/{client['id']}")) == first
    with database.read(operator=True) as session:
        events = session.scalar(
            select(func.count()).select_from(AuditEvent).where(
                AuditEvent.action == "client.anonymised", AuditEvent.subject_id == client["id"]
            )
        )
    assert events == 1


def test_missing_client_and_partner_record_are_not_found(database, partner):
    assert anonymise(database, 999_999_999) is Outcome.NOT_FOUND
    assert anonymise(database, partner.partner_id) is Outcome.NOT_FOUND


def test_ids_and_timestamps_are_kept(api, database, partner, clock):
    set_grace_days(database, partner.partner_id, 0)
    client = create_client(api, verified=1)
    deleted = data(api.delete(f"/clients/{client['id']}"))
    clock.advance(hours=1)
    anonymise(database, client["id"])
    after = data(api.get(f"/clients/{client['id']}"))
    assert after["id"] == client["id"]
    assert after["created"] == client["created"]
    assert after["deleted"] == deleted["deleted"]
    assert after["verified"] == 1
    assert after["active"] == 0
    assert after["modified"] == after["anonymised"]


def test_every_personal_field_is_replaced(api, database, partner):
    set_grace_days(database, partner.partner_id, 0)
    client = create_client(api, title="Dr", company="Bloggs Ltd", phone="+44 1", address1="1 Road",
                           address2="Flat 2", city="Leeds", region="Yorkshire", postcode="LS1 1AA")
    data(api.delete(f"/clients/{client['id']}"))
    anonymise(database, client["id"])
    with database.read(operator=True) as session:
        row = session.get(Client, client["id"])
        assert row.username == f"anonymised-{client['id']}"
        for field in ("email", "title", "firstname", "surname", "company", "phone", "address1",
                      "address2", "city", "region", "postcode", "country", "external_userid"):
            assert getattr(row, field) is None, field


def test_services_are_terminated_and_stripped(api, database, partner, clock):
    set_grace_days(database, partner.partner_id, 0)
    client = create_client(api)
    service = data(api.post("/profilters", json={
        "client_id": client["id"], "service_name": "profilter-5", "domain": "strip.example",
        "whmcs_service_id": "WH-1", "mailboxes": 4,
    }))
    data(api.delete(f"/clients/{client['id']}"))
    clock.advance(minutes=1)
    anonymise(database, client["id"])
    with database.read(operator=True) as session:
        row = session.get(LiveService, service["id"])
        assert row.status == "deleted"
        assert row.deleted == clock.now
        assert row.domain is None
        assert row.whmcs_service_id is None
        assert row.attributes == {"mailboxes": 4}
        assert row.service_name == "profilter-5"


def test_service_terminated_earlier_keeps_its_deletion_time(api, database, partner, clock):
    set_grace_days(database, partner.partner_id, 0)
    client = create_client(api)
    service = data(api.post("/fakemxs", json={"client_id": client["id"], "service_name": "fakemx",
                                              "domain": "early.example"}))
    terminated = data(api.delete(f"/live_services/{service['id']}"))
    data(api.delete(f"/clients/{client['id']}"))
    clock.advance(days=1)
    anonymise(database, client["id"])
    after = data(api.get(f"/live_services/{service['id']}"))
    assert after["deleted"] == terminated["deleted"]
    assert after["domain"] is None


def test_numbers_and_flags_keeps_only_numbers_and_flags():
    attributes = {"mailboxes": 5, "ratio": 0.5, "tls": True, "unset": None,
                  "smtp_username": "outmail-1", "master_addresses": ["192.0.2.1"], "extra": {"a": 1}}
    assert numbers_and_flags(attributes) == {"mailboxes": 5, "ratio": 0.5, "tls": True, "unset": None}


def test_job_not_yet_due_is_queued_again(api, database, partner, settings, clock):
    from myengine.jobs.models import JobState
    from myengine.retention.operations import anonymisation_key
    from tests.jobs.support import jobs_with_key
    from tests.retention.support import run_anonymisations

    client = create_client(api)
    data(api.delete(f"/clients/{client['id']}"))
    with database.write(operator=True) as session:
        # A client whose deletion date moved later while its job was already due.
        row = session.get(Client, client["id"])
        row.anonymise_after = clock.now + dt.timedelta(days=60)
    clock.advance(days=settings.retention_grace_days + 1)
    run_anonymisations(database, settings)
    jobs = jobs_with_key(database, anonymisation_key(client["id"]))
    assert [job.state for job in jobs] == [JobState.DONE, JobState.PENDING]
    assert jobs[1].run_after == clock.now + dt.timedelta(days=60 - settings.retention_grace_days - 1)


def test_stored_responses_naming_the_client_are_deleted(api, database, partner, clock):
    from myengine.idempotency.models import IdempotencyKey
    from tests.retention.support import find_values, personal_client_body, scanned_values

    set_grace_days(database, partner.partner_id, 0)
    body = personal_client_body()
    client = data(api.post("/clients", json=body, headers={"Idempotency-Key": "create-1"}))
    data(api.post("/fakemxs", headers={"Idempotency-Key": "service-1"},
                  json={"client_id": client["id"], "service_name": "fakemx",
                        "domain": f"idem-{client['id']}.example"}))
    other = data(api.post("/clients", json=personal_client_body(),
                          headers={"Idempotency-Key": "other-1"}))
    data(api.delete(f"/clients/{client['id']}", headers={"Idempotency-Key": "delete-1"}))
    clock.advance(minutes=1)
    anonymise(database, client["id"])

    with database.read(operator=True) as session:
        keys = set(session.scalars(
            select(IdempotencyKey.key).where(IdempotencyKey.partner_id == partner.partner_id)
        ))
    assert keys == {"other-1"}
    assert find_values(database, scanned_values(body)) == []
    assert data(api.get(f"/clients/{other['id']}"))["client_status_id"] == 1
