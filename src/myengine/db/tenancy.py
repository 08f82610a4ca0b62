"""The one place that scopes queries to a partner.

Every partner-owned model inherits ``PartnerOwned``. A session opened for a partner gets a
loader criterion on every ORM SELECT, UPDATE and DELETE, so rows of other partners are
invisible to it whatever conditions the query has. Another partner's id therefore behaves
exactly like an id that does not exist. Sessions for operators (command line, workers)
must say so explicitly.
"""

from sqlalchemy import Integer, event
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column, with_loader_criteria

PARTNER_KEY = "partner_id"
OPERATOR_KEY = "operator"


class PartnerOwned:
    """Mixin for models whose rows belong to one partner through a ``partner_id`` column.

    Each model redeclares ``partner_id`` with its own foreign key; the column here lets the
    loader criterion below be written once for all of them.
    """

    partner_id: Mapped[int] = mapped_column(Integer)


class UnscopedSessionError(RuntimeError):
    """A partner-owned table was queried from a session with neither a partner nor operator scope."""


def scope_session(session: Session, *, partner_id: int | None, operator: bool = False) -> None:
    if partner_id is None and not operator:
        raise UnscopedSessionError("a session needs a partner id or operator=True")
    session.info[PARTNER_KEY] = partner_id
    session.info[OPERATOR_KEY] = operator


def session_partner_id(session: Session) -> int | None:
    return session.info.get(PARTNER_KEY)


@event.listens_for(Session, "do_orm_execute")
def _add_partner_criteria(state: ORMExecuteState) -> None:
    if not (state.is_select or state.is_update or state.is_delete):
        return
    if state.is_column_load or state.is_relationship_load:
        return

    partner_id = state.session.info.get(PARTNER_KEY)
    if partner_id is None:
        if not state.session.info.get(OPERATOR_KEY):
            raise UnscopedSessionError(
                "query on a session with neither a partner scope nor operator=True"
            )
        return

    state.statement = state.statement.options(
        with_loader_criteria(
            PartnerOwned,
            lambda cls: cls.partner_id == partner_id,
            include_aliases=True,
        )
    )
