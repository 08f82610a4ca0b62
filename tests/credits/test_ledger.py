"""Every movement of Partner Credits is one ledger row written with the balance change."""

import pytest
from sqlalchemy import select

from myengine.credits.models import LedgerEntry, LedgerReason
from myengine.credits.operations import charge_for_service, current_balance, record_movement
from myengine.db.engine import Database
from myengine.errors import InsufficientCredits
from myengine.partners.models import Partner
from tests.factories import create_partner, create_service
from tests.live_services.helpers import balance, data, error, ledger


def move(database: Database, partner_id: int, amount: int, reason: str = "grant") -> LedgerEntry:
    with database.write(partner_id=partner_id) as session:
        partner = session.get(Partner, partner_id)
        return record_movement(session, partner, amount=amount, reason=reason)


class TestRecordMovement:
    def test_new_partner_has_a_grant_row(self, database, partner):
        rows = ledger(database, partner.partner_id)
        assert [(row.reason, row.amount, row.balance_after) for row in rows] == [("grant", 1000, 1000)]

    def test_charge_lowers_balance_and_writes_row(self, database, partner):
        entry = move(database, partner.partner_id, -30, reason="service_created")
        assert entry.amount == -30
        assert entry.balance_after == 970
        assert balance(database, partner.partner_id) == 970

    def test_top_up_raises_balance(self, database, partner):
        move(database, partner.partner_id, 50)
        assert balance(database, partner.partner_id) == 1050

    def test_charge_over_balance_raises(self, database, settings):
        poor = create_partner(database, settings, credits=5)
        with pytest.raises(InsufficientCredits) as raised:
            move(database, poor.partner_id, -6)
        assert raised.value.details == {"credits_required": 6, "credit": 5}

    def test_charge_over_balance_changes_nothing(self, database, settings):
        poor = create_partner(database, settings, credits=5)
        with pytest.raises(InsufficientCredits):
            move(database, poor.partner_id, -6)
        assert balance(database, poor.partner_id) == 5
        assert len(ledger(database, poor.partner_id)) == 1

    def test_charge_of_whole_balance_leaves_zero(self, database, settings):
        poor = create_partner(database, settings, credits=5)
        assert move(database, poor.partner_id, -5).balance_after == 0

    def test_partner_session_sees_only_its_own_rows(self, database, settings):
        mine = create_partner(database, settings, credits=10)
        create_partner(database, settings, credits=20)
        with database.read(partner_id=mine.partner_id) as session:
            owners = set(session.scalars(select(LedgerEntry.partner_id)))
        assert owners == {mine.partner_id}


class TestChargeForService:
    @pytest.mark.parametrize("credits", [0, -4])
    def test_nothing_to_charge_writes_no_row(self, api, database, partner, credits):
        service = create_service(api)
        with database.write(partner_id=partner.partner_id) as session:
            entry = charge_for_service(
                session, partner.partner_id, credits=credits, reason=LedgerReason.SERVICE_REGRADED,
                live_service_id=service["id"], service_name="masterdns-100", request_id=None,
            )
        assert entry is None
        assert len(ledger(database, partner.partner_id)) == 2

    def test_current_balance_reads_the_store(self, database, partner):
        move(database, partner.partner_id, -1)
        with database.read(partner_id=partner.partner_id) as session:
            assert current_balance(session, partner.partner_id) == 999


class TestLedgerThroughTheApi:
    def test_ledger_rows_add_up_to_balance(self, api, database, partner):
        outmail = create_service(api, "outmails")
        profilter = create_service(api, "profilters")
        data(api.patch(f"/live_services/{outmail['id']}", json={"service_name": "outmail-5000"}))
        data(api.patch(f"/live_services/{profilter['id']}", json={"service_name": "profilter-25"}))
        data(api.patch(f"/live_services/{profilter['id']}", json={"service_name": "profilter-5"}))
        rows = ledger(database, partner.partner_id)
        assert [row.amount for row in rows] == [1000, -2, -3, -4, -7]
        assert sum(row.amount for row in rows) == balance(database, partner.partner_id)

    def test_balance_after_is_the_running_total(self, api, database, partner):
        for collection in ("outmails", "profilters", "backupmxs", "masterdns"):
            create_service(api, collection)
        running = 0
        for row in ledger(database, partner.partner_id):
            running += row.amount
            assert row.balance_after == running

    def test_refused_create_writes_no_row(self, api_for, database):
        poor_api, poor = api_for(credits=1)
        error(poor_api.post("/outmails", json={"service_name": "outmail-500"}), 405)
        assert [row.reason for row in ledger(database, poor.partner_id)] == ["grant"]

    def test_balance_shows_on_self_and_tariff(self, api):
        create_service(api, "backupmxs", service_name="backupmx-30")
        assert data(api.get("/clients/self"))["credit"] == 995
        assert api.get("/live_services/service_names").json()["meta"]["credit"] == 995
