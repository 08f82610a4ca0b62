import datetime as dt

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from myengine.db.base import Base, UTCDateTime
from myengine.db.tenancy import PartnerOwned


class ApiKey(PartnerOwned, Base):
    """A partner's API key. Only a keyed hash of the secret part is stored."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"), index=True)
    # Public, unique part of the key, shown in listings and used to find the row.
    prefix: Mapped[str] = mapped_column(String(64), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    environment: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(String(255), default="")
    created: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    expires: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    revoked: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_used: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
