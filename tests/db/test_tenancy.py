"""Partner-owned rows are reachable only through a partner-scoped or operator session."""

import pytest
from sqlalchemy import select

from myengine.db.models import Base
from myengine.db.tenancy import PartnerOwned, UnscopedSessionError
from tests.factories import create_partner


def partner_owned_tables() -> list[type]:
    return [mapper.class_ for mapper in Base.registry.mappers if "partner_id" in mapper.columns]


def test_every_table_with_partner_id_is_partner_owned():
    for model in partner_owned_tables():
        assert issubclass(model, PartnerOwned), model.__name__


def test_session_without_scope_cannot_be_opened(database):
    with pytest.raises(UnscopedSessionError):
        with database.read():
            pass


def test_raw_session_without_scope_refuses_queries(database):
    from myengine.clients.models import Client

    with database.reader() as session:
        with pytest.raises(UnscopedSessionError):
            session.execute(select(Client))


def test_scoped_session_sees_only_own_rows_in_every_table(database, settings):
    mine = create_partner(database, settings)
    theirs = create_partner(database, settings)
    with database.read(partner_id=mine.partner_id) as session:
        for model in partner_owned_tables():
            owners = set(session.scalars(select(model.partner_id)))  # type: ignore[attr-defined]
            assert theirs.partner_id not in owners, model.__name__
            assert owners <= {mine.partner_id}, model.__name__


def test_scoped_session_cannot_read_another_partners_row_by_id(database, settings):
    from myengine.clients.models import Client

    mine = create_partner(database, settings)
    theirs = create_partner(database, settings)
    with database.read(partner_id=mine.partner_id) as session:
        assert session.scalar(select(Client).where(Client.id == theirs.partner_id)) is None


def test_scoped_session_cannot_update_another_partners_rows(database, settings):
    from sqlalchemy import update

    from myengine.clients.models import Client

    mine = create_partner(database, settings)
    theirs = create_partner(database, settings)
    with database.write(partner_id=mine.partner_id) as session:
        session.execute(update(Client).where(Client.id == theirs.partner_id).values(city="Hijacked"))
    with database.read(operator=True) as session:
        assert session.get(Client, theirs.partner_id).city is None  # type: ignore[union-attr]


