import datetime as dt

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from myengine.db.base import Base, UTCDateTime
from myengine.db.tenancy import PartnerOwned


class Partner(Base):
    """A reseller's account settings. Its id is the id of its own record in ``clients``."""

    __tablename__ = "partners"

    id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="RESTRICT"), primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    email: Mapped[str] = mapped_column(String(254))
    api_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    credit_balance: Mapped[int] = mapped_column(Integer, default=0)
    # Days between a client's deletion and its anonymisation; NULL uses the deployment default.
    retention_grace_days: Mapped[int | None] = mapped_column(Integer)
    created: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class AllowedNetwork(PartnerOwned, Base):
    """A source network (IPv4 or IPv6 CIDR) allowed to call the API for a partner.

    A partner with no rows here accepts calls from any address.
    """

    __tablename__ = "partner_allowed_networks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"), index=True)
    cidr: Mapped[str] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(String(255), default="")
    created: Mapped[dt.datetime] = mapped_column(UTCDateTime)
