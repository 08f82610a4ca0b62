"""``client.clients``: every method against the live server."""

import datetime as dt
import uuid

import pytest
from myengine_client import (
    AuditEvent,
    ClientRecord,
    ClientStatus,
    ConflictError,
    DeletionPreview,
    ErasureReceipt,
    LiveService,
    NotFoundError,
    PartnerRecord,
)


def new_username() -> str:
    return f"sdk-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def fred(sdk) -> ClientRecord:  # type: ignore[no-untyped-def]
    return sdk.clients.create(
        username=new_username(), email="fred@example.com", firstname="Fred", country="GB"
    )


class TestCreate:
    def test_returns_typed_record(self, sdk):
        record = sdk.clients.create(username=new_username(), email="a@example.com")

        assert isinstance(record, ClientRecord)
        assert isinstance(record.id, int)
        assert isinstance(record.created, dt.datetime)

    def test_sends_optional_fields(self, sdk):
        record = sdk.clients.create(
            username=new_username(),
            email="a@example.com",
            surname="Bloggs",
            city="Leeds",
            country="gb",
        )

        assert record.surname == "Bloggs"
        assert record.city == "Leeds"
        assert record.country == "GB"

    def test_new_client_is_active(self, sdk, fred):
        assert fred.client_status_id == ClientStatus.ACTIVE
        assert fred.active == 1

    def test_taken_username_raises_conflict(self, sdk, fred):
        with pytest.raises(ConflictError) as caught:
            sdk.clients.create(username=fred.username, email="b@example.com")

        assert caught.value.code == "username_taken"


class TestRead:
    def test_get_returns_client(self, sdk, fred):
        record = sdk.clients.get(fred.id)

        assert record.id == fred.id
        assert record.username == fred.username

    def test_get_unknown_id_raises_not_found(self, sdk):
        with pytest.raises(NotFoundError) as caught:
            sdk.clients.get(9_999_999)

        assert caught.value.code == "client_not_found"

    def test_self_returns_partner_with_credit(self, sdk, partner):
        record = sdk.clients.self()

        assert isinstance(record, PartnerRecord)
        assert record.id == partner.partner_id
        assert record.credit == 1000

    def test_list_yields_every_client(self, sdk):
        created_ids = {
            sdk.clients.create(username=new_username(), email="l@example.com").id for _ in range(3)
        }

        listed = {record.id for record in sdk.clients.list()}

        assert created_ids <= listed

    def test_list_with_fields_returns_only_those_keys(self, sdk, fred):
        [record] = [r for r in sdk.clients.list(fields=["id", "username"]) if r.id == fred.id]

        assert record.model_fields_set == {"id", "username"}
        assert record.to_dict() == {"id": fred.id, "username": fred.username}

    def test_list_with_search_filters(self, sdk, fred):
        sdk.clients.create(username=new_username(), email="other@example.com")

        found = list(sdk.clients.list(search={"username LIKE": fred.username[:10] + "%"}))

        assert [record.id for record in found] == [fred.id]

    def test_search_with_operators(self, sdk):
        ids = [
            sdk.clients.create(username=new_username(), email="o@example.com").id for _ in range(3)
        ]

        found = list(sdk.clients.list(search={"id >": ids[0], "id <=": ids[2]}))

        assert [record.id for record in found] == ids[1:]

    def test_search_not_equal(self, sdk, fred):
        other = sdk.clients.create(username=new_username(), email="n@example.com")

        found = {record.id for record in sdk.clients.list(search={"username !=": fred.username})}

        assert other.id in found
        assert fred.id not in found


class TestChange:
    def test_update_changes_given_fields(self, sdk, fred):
        record = sdk.clients.update(fred.id, city="York", surname="Bloggs")

        assert record.city == "York"
        assert record.surname == "Bloggs"
        assert record.firstname == "Fred"

    def test_update_with_none_clears_field(self, sdk, fred):
        record = sdk.clients.update(fred.id, firstname=None)

        assert record.firstname is None

    def test_suspend_sets_status(self, sdk, fred):
        record = sdk.clients.suspend(fred.id)

        assert record.client_status_id == ClientStatus.SUSPENDED
        assert record.active == 0

    def test_unsuspend_restores_status(self, sdk, fred):
        sdk.clients.suspend(fred.id)

        record = sdk.clients.unsuspend(fred.id)

        assert record.client_status_id == ClientStatus.ACTIVE

    def test_delete_returns_tombstone(self, sdk, fred):
        record = sdk.clients.delete(fred.id)

        assert record.client_status_id == ClientStatus.DELETED
        assert record.anonymise_after is not None

    def test_delete_twice_returns_same_record(self, sdk, fred):
        first = sdk.clients.delete(fred.id)

        second = sdk.clients.delete(fred.id)

        assert second == first

    def test_unsuspend_deleted_raises_conflict(self, sdk, fred):
        sdk.clients.delete(fred.id)

        with pytest.raises(ConflictError):
            sdk.clients.unsuspend(fred.id)


class TestLiveServices:
    def test_lists_the_clients_services(self, sdk, fred):
        service = sdk.fakemxs.create(
            client_id=fred.id, service_name="fakemx", domain="fred.example"
        )

        listed = list(sdk.clients.live_services(fred.id))

        assert [item.id for item in listed] == [service.id]
        assert isinstance(listed[0], LiveService)

    def test_lists_with_fields(self, sdk, fred):
        sdk.fakemxs.create(client_id=fred.id, service_name="fakemx", domain="fred.example")

        [item] = sdk.clients.live_services(fred.id, fields=["id", "status"])

        assert item.model_fields_set == {"id", "status"}

    def test_unknown_client_raises_not_found(self, sdk):
        with pytest.raises(NotFoundError):
            list(sdk.clients.live_services(9_999_999))


class TestRetention:
    def test_preview_delete_changes_nothing(self, sdk, fred):
        preview = sdk.clients.preview_delete(fred.id)

        assert isinstance(preview, DeletionPreview)
        assert preview.would_change is True
        assert sdk.clients.get(fred.id).client_status_id == ClientStatus.ACTIVE

    def test_restore_brings_back_deleted_client(self, sdk, fred):
        sdk.clients.delete(fred.id)

        record = sdk.clients.restore(fred.id)

        assert record.client_status_id != ClientStatus.DELETED
        assert record.anonymise_after is None

    def test_erasure_receipt_of_deleted_client(self, sdk, fred):
        sdk.clients.delete(fred.id)

        receipt = sdk.clients.erasure_receipt(fred.id)

        assert isinstance(receipt, ErasureReceipt)
        assert receipt.client_id == fred.id
        assert receipt.erased


class TestAuditEvents:
    def test_delete_is_in_the_audit_trail(self, sdk, fred):
        sdk.clients.delete(fred.id)

        events = list(
            sdk.audit_events.list(search={"subject_type": "client", "subject_id": fred.id})
        )

        assert "client.deleted" in {event.action for event in events}
        assert all(isinstance(event, AuditEvent) for event in events)
