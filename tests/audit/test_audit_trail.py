"""The audit trail: what each change records, and GET /audit_events."""

import httpx
import pytest
from sqlalchemy import select

from myengine.api_keys.models import ApiKey
from myengine.audit.context import (
    ActorType,
    AuditActor,
    acting_as,
    current_actor,
    new_correlation_id,
)
from myengine.audit.models import AuditEvent
from myengine.audit.operations import record_event
from tests.factories import create_client, create_partner
from tests.retention.support import data, error, run_anonymisations, set_grace_days


def events(api, **search) -> list[dict]:  # type: ignore[no-untyped-def]
    conditions = ",".join(f"{key}:'{value}'" for key, value in search.items())
    params = {"search": f"({conditions})"} if search else {}
    return data(api.get("/audit_events", params=params))


def key_id(database, prefix: str) -> int:  # type: ignore[no-untyped-def]
    with database.read(operator=True) as session:
        return session.scalar(select(ApiKey.id).where(ApiKey.prefix == prefix))


class TestRecording:
    def test_create_names_the_key_and_the_request(self, api, database, partner):
        response = api.post("/clients", json={"username": "audited", "email": "a@example.com"})
        client = response.json()["data"]
        [event] = events(api, subject_type="client", subject_id=client["id"])
        assert event["action"] == "client.created"
        assert event["actor_type"] == "api_key"
        assert event["partner_id"] == partner.partner_id
        assert event["api_key_id"] == key_id(database, partner.key_prefix)
        assert event["request_id"] == response.headers["x-request-id"]
        assert event["correlation_id"].startswith("cor_")

    def test_event_never_contains_the_api_key(self, api, partner):
        create_client(api)
        listing = api.get("/audit_events").text
        assert partner.api_key not in listing
        assert partner.api_key.split("_")[-1] not in listing

    def test_update_records_field_names_not_values(self, api):
        client = create_client(api)
        data(api.patch(f"/clients/{client['id']}", json={"surname": "Newname", "city": "Leeds"}))
        [event] = events(api, subject_id=client["id"], action="client.updated")
        assert event["details"] == {"fields": ["city", "surname"]}

    def test_delete_and_its_suspensions_share_one_correlation_id(self, api):
        client = create_client(api)
        service = data(api.post("/fakemxs", json={"client_id": client["id"], "service_name": "fakemx",
                                                  "domain": f"corr-{client['id']}.example"}))
        data(api.delete(f"/clients/{client['id']}"))
        [deleted] = events(api, subject_id=client["id"], action="client.deleted")
        [suspended] = events(api, subject_type="live_service", subject_id=service["id"],
                             action="live_service.suspended")
        assert suspended["correlation_id"] == deleted["correlation_id"]
        assert deleted["details"]["services_suspended"] == 1

    def test_each_request_gets_its_own_correlation_id(self, api):
        client = create_client(api)
        data(api.patch(f"/clients/{client['id']}", json={"city": "York"}))
        created, updated = events(api, subject_id=client["id"])
        assert created["correlation_id"] != updated["correlation_id"]

    def test_repeated_delete_records_one_event(self, api):
        client = create_client(api)
        data(api.delete(f"/clients/{client['id']}"))
        data(api.delete(f"/clients/{client['id']}"))
        assert len(events(api, subject_id=client["id"], action="client.deleted")) == 1

    def test_dry_run_records_nothing(self, api):
        client = create_client(api)
        data(api.delete(f"/clients/{client['id']}", params={"dry_run": "1"}))
        assert [e["action"] for e in events(api, subject_id=client["id"])] == ["client.created"]

    def test_anonymisation_is_a_worker_event_naming_its_job(self, api, database, partner, settings):
        set_grace_days(database, partner.partner_id, 0)
        client = create_client(api)
        data(api.delete(f"/clients/{client['id']}"))
        run_anonymisations(database, settings)
        [event] = events(api, subject_id=client["id"], action="client.anonymised")
        assert event["actor_type"] == "worker"
        assert event["job_id"] is not None
        assert event["api_key_id"] is None

    def test_events_survive_their_subjects_anonymisation(self, api, database, partner, settings):
        set_grace_days(database, partner.partner_id, 0)
        client = create_client(api)
        data(api.delete(f"/clients/{client['id']}"))
        run_anonymisations(database, settings)
        actions = [e["action"] for e in events(api, subject_id=client["id"])]
        assert actions == ["client.created", "client.deleted", "client.anonymised"]


class TestRecordEvent:
    def test_free_text_in_details_is_rejected(self, database, partner):
        with database.write(partner_id=partner.partner_id) as session:
            with pytest.raises(ValueError, match="free text"):
                record_event(session, action="client.updated", subject_type="client",
                             subject_id=1, partner_id=partner.partner_id,
                             details={"note": "Fred Bloggs"})

    def test_email_address_in_details_is_rejected(self, database, partner):
        with database.write(partner_id=partner.partner_id) as session:
            with pytest.raises(ValueError):
                record_event(session, action="client.updated", subject_type="client",
                             subject_id=1, partner_id=partner.partner_id,
                             details={"fields": ["fred@example.com"]})

    def test_unbound_actor_is_recorded_as_unbound(self, database, partner):
        with acting_as(None):  # type: ignore[arg-type]
            with database.write(partner_id=partner.partner_id) as session:
                event = record_event(session, action="test.happened", subject_type="client",
                                     subject_id=1, partner_id=partner.partner_id)
        assert event.actor_type == ActorType.UNBOUND

    def test_operator_actor_is_recorded_as_operator(self, database, partner):
        operator = AuditActor(type=ActorType.OPERATOR, correlation_id=new_correlation_id())
        with acting_as(operator):
            actor = current_actor()
            with database.write(operator=True) as session:
                event = record_event(session, action="test.happened", subject_type="partner",
                                     subject_id=partner.partner_id, partner_id=partner.partner_id)
        assert event.actor_type == ActorType.OPERATOR
        assert event.correlation_id == actor.correlation_id
        assert event.api_key_id is None


class TestListing:
    def test_list_is_oldest_first(self, api):
        client = create_client(api)
        data(api.patch(f"/clients/{client['id']}", json={"city": "Hull"}))
        listed = events(api, subject_id=client["id"])
        assert [e["action"] for e in listed] == ["client.created", "client.updated"]
        assert listed[0]["id"] < listed[1]["id"]

    def test_keyset_paging_visits_every_event_once(self, api):
        for _ in range(5):
            create_client(api)
        seen, cursor = [], None
        while True:
            params = {"limit": "2", "search": "(action:'client.created')"}
            if cursor:
                params["cursor"] = cursor
            body = api.get("/audit_events", params=params).json()
            seen.extend(item["id"] for item in body["data"])
            if not body["meta"]["has_more"]:
                break
            cursor = body["meta"]["next_cursor"]
        assert len(seen) == 5
        assert seen == sorted(set(seen))

    def test_filter_by_action_prefix(self, api):
        client = create_client(api)
        data(api.delete(f"/clients/{client['id']}"))
        listed = data(api.get("/audit_events", params={"search": "('action LIKE':'client.del%')"}))
        assert [e["subject_id"] for e in listed] == [client["id"]]

    def test_fields_limits_keys(self, api):
        create_client(api)
        listed = data(api.get("/audit_events", params={"fields": "!(id,action)"}))
        assert set(listed[0]) == {"id", "action"}

    def test_unknown_search_field_is_400(self, api):
        err = error(api.get("/audit_events", params={"search": "(details:'x')"}), 400)
        assert err["code"] == "invalid_search"

    def test_another_partners_events_are_invisible(self, api, server, database, settings):
        mine = create_client(api)
        other = create_partner(database, settings)
        with httpx.Client(base_url=f"{server.url}/api-v1",
                          auth=(str(other.partner_id), other.api_key)) as other_api:
            create_client(other_api)
            listed = data(other_api.get("/audit_events"))
        assert {e["partner_id"] for e in listed} == {other.partner_id}
        assert mine["id"] not in {e["subject_id"] for e in listed}

    def test_listing_needs_credentials(self, anonymous):
        response = anonymous.get("/api-v1/audit_events")
        assert response.status_code == 401


def test_audit_model_is_partner_owned():
    from myengine.db.tenancy import PartnerOwned

    assert issubclass(AuditEvent, PartnerOwned)
