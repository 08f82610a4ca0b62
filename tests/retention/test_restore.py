"""POST /clients/{id}/restore: a deleted client comes back until it is anonymised."""

from myengine.clients.models import ClientStatus
from myengine.jobs.models import JobState
from myengine.retention.operations import anonymisation_key
from tests.factories import create_client
from tests.jobs.support import jobs_with_key
from tests.retention.support import data, error, run_anonymisations, set_grace_days


def test_restore_reenables_a_deleted_client(api):
    client = create_client(api)
    data(api.delete(f"/clients/{client['id']}"))
    restored = data(api.post(f"/clients/{client['id']}/restore"))
    assert restored["active"] == 1
    assert restored["client_status_id"] == ClientStatus.ACTIVE
    assert restored["deleted"] is None
    assert restored["anonymise_after"] is None


def test_restore_cancels_the_pending_anonymisation(api, database):
    client = create_client(api)
    data(api.delete(f"/clients/{client['id']}"))
    data(api.post(f"/clients/{client['id']}/restore"))
    jobs = jobs_with_key(database, anonymisation_key(client["id"]))
    assert [job.state for job in jobs] == [JobState.CANCELLED]


def test_restored_client_is_never_anonymised(api, database, settings, clock):
    client = create_client(api)
    data(api.delete(f"/clients/{client['id']}"))
    data(api.post(f"/clients/{client['id']}/restore"))
    clock.advance(days=settings.retention_grace_days + 1)
    run_anonymisations(database, settings)
    assert data(api.get(f"/clients/{client['id']}"))["username"] == client["username"]


def test_restored_client_keeps_its_services_suspended(api):
    client = create_client(api)
    service = data(api.post("/fakemxs", json={"client_id": client["id"], "service_name": "fakemx",
                                              "domain": f"restore-{client['id']}.example"}))
    data(api.delete(f"/clients/{client['id']}"))
    data(api.post(f"/clients/{client['id']}/restore"))
    after = data(api.get(f"/live_services/{service['id']}"))
    assert after["status"] == "suspended"
    assert after["suspension_causes"] == ["client_deleted"]


def test_restore_of_live_client_changes_nothing(api):
    client = create_client(api)
    restored = data(api.post(f"/clients/{client['id']}/restore"))
    assert restored == data(api.get(f"/clients/{client['id']}"))


def test_restore_after_anonymisation_is_409(api, database, partner, settings):
    set_grace_days(database, partner.partner_id, 0)
    client = create_client(api)
    data(api.delete(f"/clients/{client['id']}"))
    run_anonymisations(database, settings)
    err = error(api.post(f"/clients/{client['id']}/restore"), 409)
    assert err["code"] == "client_anonymised"
    assert str(client["id"]) in err["message"]


def test_restore_username_clash_is_409(api):
    old = create_client(api, username="comeback")
    data(api.delete(f"/clients/{old['id']}"))
    new = create_client(api, username="comeback")
    err = error(api.post(f"/clients/{old['id']}/restore"), 409)
    assert err["code"] == "username_taken"
    assert err["client_id"] == new["id"]
    assert str(new["id"]) in err["message"]


def test_restore_external_id_clash_is_409(api):
    old = create_client(api, external_userid="EXT-COMEBACK")
    data(api.delete(f"/clients/{old['id']}"))
    new = create_client(api, external_userid="EXT-COMEBACK")
    err = error(api.post(f"/clients/{old['id']}/restore"), 409)
    assert err["code"] == "external_userid_taken"
    assert err["client_id"] == new["id"]


def test_failed_restore_leaves_the_client_deleted(api, database):
    old = create_client(api, username="stays-deleted")
    data(api.delete(f"/clients/{old['id']}"))
    create_client(api, username="stays-deleted")
    error(api.post(f"/clients/{old['id']}/restore"), 409)
    assert data(api.get(f"/clients/{old['id']}"))["client_status_id"] == ClientStatus.DELETED
    jobs = jobs_with_key(database, anonymisation_key(old["id"]))
    assert [job.state for job in jobs] == [JobState.PENDING]


def test_restore_unknown_client_is_404(api):
    assert error(api.post("/clients/999999999/restore"), 404)["code"] == "client_not_found"


def test_restore_partner_record_is_403(api, partner):
    err = error(api.post(f"/clients/{partner.partner_id}/restore"), 403)
    assert err["code"] == "partner_record_read_only"
