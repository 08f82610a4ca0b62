"""``client.live_services`` and the six product resources against the live server."""

import uuid

import pytest
from myengine_client import (
    ClientRecord,
    ConflictError,
    InsufficientCreditError,
    LiveService,
    NotFoundError,
    Package,
    Product,
    ServiceStatus,
    Tariff,
)

from tests.factories import create_partner
from tests.sdk.conftest import FAST_RETRIES


@pytest.fixture
def holder(sdk) -> ClientRecord:  # type: ignore[no-untyped-def]
    return sdk.clients.create(username=f"svc-{uuid.uuid4().hex[:12]}", email="svc@example.com")


@pytest.fixture
def outmail(sdk, holder) -> LiveService:  # type: ignore[no-untyped-def]
    return sdk.outmails.create(
        client_id=holder.id, service_name="outmail-500", domain="mail.example"
    )


# (resource attribute, product, package, product fields)
PRODUCTS = [
    ("outmails", Product.OUTMAIL, "outmail-500", {"domain": "mail.example"}),
    ("profilters", Product.PROFILTER, "profilter-5", {"domain": "filter.example", "mailboxes": 3}),
    ("fakemxs", Product.FAKEMX, "fakemx", {"domain": "decoy.example"}),
    (
        "backupmxs",
        Product.BACKUPMX,
        "backupmx-7",
        {"domain": "queue.example", "destination": "mx.queue.example"},
    ),
    ("masterdns", Product.MASTERDNS, "masterdns-100", {"domain": "zone.example"}),
    (
        "backupdns",
        Product.BACKUPDNS,
        "backupdns",
        {"domain": "zone2.example", "master_addresses": ["192.0.2.53"]},
    ),
]


class TestProducts:
    @pytest.mark.parametrize(("attribute", "product", "package", "fields"), PRODUCTS)
    def test_create_makes_service_of_product(
        self, sdk, holder, attribute, product, package, fields
    ):
        service = getattr(sdk, attribute).create(
            client_id=holder.id, service_name=package, **fields
        )

        assert isinstance(service, LiveService)
        assert service.product == product
        assert service.service_name == package
        assert service.client_id == holder.id
        assert service.status == ServiceStatus.LIVE

    @pytest.mark.parametrize(("attribute", "product", "package", "fields"), PRODUCTS)
    def test_list_returns_only_that_product(self, sdk, holder, attribute, product, package, fields):
        created = getattr(sdk, attribute).create(
            client_id=holder.id, service_name=package, **fields
        )
        if attribute == "fakemxs":
            sdk.masterdns.create(
                client_id=holder.id, service_name="masterdns-100", domain="o.example"
            )
        else:
            sdk.fakemxs.create(client_id=holder.id, service_name="fakemx", domain="o.example")

        listed = list(getattr(sdk, attribute).list())

        assert [service.id for service in listed] == [created.id]

    def test_product_fields_are_typed(self, sdk, holder):
        service = sdk.backupdns.create(
            client_id=holder.id,
            service_name="backupdns",
            domain="z.example",
            master_addresses=["192.0.2.1", "2001:db8::1"],
        )

        assert service.master_addresses == ["192.0.2.1", "2001:db8::1"]

    def test_outmail_create_returns_smtp_credentials_once(self, sdk, outmail):
        assert outmail.smtp_username
        assert outmail.smtp_password
        assert sdk.live_services.get(outmail.id).smtp_password is None

    def test_smtp_password_is_not_in_repr(self, outmail):
        assert outmail.smtp_password not in repr(outmail)

    def test_create_without_client_holds_service_under_partner(self, sdk, partner):
        service = sdk.masterdns.create(service_name="masterdns-100", domain="own.example")

        assert service.client_id == partner.partner_id

    def test_create_sends_billing_reference(self, sdk, holder):
        service = sdk.fakemxs.create(
            client_id=holder.id, service_name="fakemx", domain="d.example", whmcs_service_id="WH-77"
        )

        assert service.whmcs_service_id == "WH-77"

    def test_create_without_credit_raises_insufficient_credit(self, server, database, settings):
        from myengine_client import Client

        poor = create_partner(database, settings, credits=0)
        with Client(server.url, poor.partner_id, poor.api_key, retry=FAST_RETRIES) as client:
            with pytest.raises(InsufficientCreditError) as caught:
                client.fakemxs.create(service_name="fakemx", domain="poor.example")

        assert caught.value.status == 405
        assert caught.value.code == "insufficient_credits"


class TestLiveServices:
    def test_list_yields_services_of_every_product(self, sdk, holder, outmail):
        fakemx = sdk.fakemxs.create(client_id=holder.id, service_name="fakemx", domain="x.example")

        listed = [service.id for service in sdk.live_services.list()]

        assert listed == [outmail.id, fakemx.id]

    def test_list_by_client(self, sdk, holder, outmail):
        other = sdk.clients.create(username=f"o-{uuid.uuid4().hex[:10]}", email="o@example.com")
        sdk.fakemxs.create(client_id=other.id, service_name="fakemx", domain="x.example")

        listed = [service.id for service in sdk.live_services.list(client_id=holder.id)]

        assert listed == [outmail.id]

    def test_list_with_search_and_fields(self, sdk, holder, outmail):
        sdk.fakemxs.create(client_id=holder.id, service_name="fakemx", domain="x.example")

        listed = list(
            sdk.live_services.list(search={"product": "outMail"}, fields=["id", "product"])
        )

        assert [service.to_dict() for service in listed] == [
            {"id": outmail.id, "product": "outMail"}
        ]

    def test_get_includes_regrade_targets(self, sdk, outmail):
        service = sdk.live_services.get(outmail.id)

        assert service.id == outmail.id
        assert service.regrade_servicenames == ["outmail-5000"]

    def test_get_unknown_raises_not_found(self, sdk):
        with pytest.raises(NotFoundError) as caught:
            sdk.live_services.get(9_999_999)

        assert caught.value.code == "live_service_not_found"

    def test_regrade_changes_package(self, sdk, outmail):
        service = sdk.live_services.regrade(outmail.id, "outmail-5000")

        assert service.service_name == "outmail-5000"

    def test_regrade_charges_the_difference(self, sdk, outmail):
        before = sdk.clients.self().credit

        sdk.live_services.regrade(outmail.id, "outmail-5000")

        assert sdk.clients.self().credit == before - 4

    def test_regrade_profilter_with_mailboxes(self, sdk, holder):
        service = sdk.profilters.create(
            client_id=holder.id, service_name="profilter-25", domain="f.example", mailboxes=20
        )

        regraded = sdk.live_services.regrade(service.id, "profilter-5", mailboxes=5)

        assert regraded.mailboxes == 5

    def test_regrade_to_same_package_raises_conflict(self, sdk, outmail):
        with pytest.raises(ConflictError):
            sdk.live_services.regrade(outmail.id, "outmail-500")

    def test_suspend_sets_partner_cause(self, sdk, outmail):
        service = sdk.live_services.suspend(outmail.id)

        assert service.status == ServiceStatus.SUSPENDED
        assert service.suspension_causes == ["partner"]

    def test_unsuspend_makes_service_live(self, sdk, outmail):
        sdk.live_services.suspend(outmail.id)

        service = sdk.live_services.unsuspend(outmail.id)

        assert service.status == ServiceStatus.LIVE

    def test_delete_marks_service_deleted(self, sdk, outmail):
        service = sdk.live_services.delete(outmail.id)

        assert service.status == ServiceStatus.DELETED
        assert service.deleted is not None

    def test_delete_twice_returns_same_status(self, sdk, outmail):
        sdk.live_services.delete(outmail.id)

        again = sdk.live_services.delete(outmail.id)

        assert again.status == ServiceStatus.DELETED


class TestTariff:
    def test_service_names_lists_packages(self, sdk):
        tariff = sdk.live_services.service_names()

        assert isinstance(tariff, Tariff)
        assert all(isinstance(package, Package) for package in tariff.packages)
        assert "outmail-500" in {package.service_name for package in tariff.packages}

    def test_service_names_carries_balance(self, sdk):
        assert sdk.live_services.service_names().credit == 1000

    def test_packages_have_costs(self, sdk):
        tariff = sdk.live_services.service_names()

        costs = {package.service_name: package.credits for package in tariff.packages}

        assert costs["outmail-500"] == 2
