import datetime as dt

from sqlalchemy import Boolean, ForeignKey, Index, Integer, SmallInteger, String, text
from sqlalchemy.orm import Mapped, mapped_column

from myengine.db.base import Base, UTCDateTime
from myengine.db.tenancy import PartnerOwned


class ClientStatus:
    ACTIVE = 1
    SUSPENDED = 2
    DELETED = 3
    ANONYMISED = 4


class Client(PartnerOwned, Base):
    """An account: a partner's end-user, or the partner's own record (``is_partner``).

    A partner's own record owns itself (``partner_id == id``), so the partner's id is also a
    client id, as the wire contract requires.
    """

    __tablename__ = "clients"
    __table_args__ = (
        # Unique among the partner's clients that are not deleted: a deleted client's
        # username and external id may be reused.
        Index(
            "uq_clients_partner_username_live",
            "partner_id",
            "username",
            unique=True,
            sqlite_where=text("deleted IS NULL"),
            postgresql_where=text("deleted IS NULL"),
        ),
        Index(
            "uq_clients_partner_external_userid_live",
            "partner_id",
            "external_userid",
            unique=True,
            sqlite_where=text("deleted IS NULL AND external_userid IS NOT NULL"),
            postgresql_where=text("deleted IS NULL AND external_userid IS NOT NULL"),
        ),
        Index("ix_clients_partner_id_id", "partner_id", "id"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    partner_id: Mapped[int | None] = mapped_column(
        ForeignKey("clients.id", ondelete="RESTRICT"), nullable=True
    )
    is_partner: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")

    external_userid: Mapped[str | None] = mapped_column(String(64))
    username: Mapped[str | None] = mapped_column(String(128))
    email: Mapped[str | None] = mapped_column(String(254))
    title: Mapped[str | None] = mapped_column(String(32))
    firstname: Mapped[str | None] = mapped_column(String(128))
    surname: Mapped[str | None] = mapped_column(String(128))
    company: Mapped[str | None] = mapped_column(String(255))
    phone: Mapped[str | None] = mapped_column(String(32))
    address1: Mapped[str | None] = mapped_column(String(255))
    address2: Mapped[str | None] = mapped_column(String(255))
    city: Mapped[str | None] = mapped_column(String(128))
    region: Mapped[str | None] = mapped_column(String(128))
    postcode: Mapped[str | None] = mapped_column(String(32))
    country: Mapped[str | None] = mapped_column(String(2))

    active: Mapped[bool] = mapped_column(Boolean, default=True)
    verified: Mapped[bool] = mapped_column(Boolean, default=False)
    client_status_id: Mapped[int] = mapped_column(SmallInteger, default=ClientStatus.ACTIVE)

    created: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    modified: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    deleted: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    anonymise_after: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    anonymised: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
