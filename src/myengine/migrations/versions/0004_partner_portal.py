"""partner portal

Revision ID: 0004
Revises: 0003

Portal accounts, browser sessions, one-time email tokens (account confirmation, password
reset, client verification) and the events counted by the login and reset rate limits.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import myengine.db.base

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "portal_users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("contact_name", sa.String(length=255), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("email_confirmed", myengine.db.base.UTCDateTime(), nullable=True),
        sa.Column("created", myengine.db.base.UTCDateTime(), nullable=False),
        sa.Column("password_changed", myengine.db.base.UTCDateTime(), nullable=False),
        sa.Column("last_login", myengine.db.base.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"],
            name=op.f("fk_portal_users_partner_id_partners"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_users")),
        sa.UniqueConstraint("email", name=op.f("uq_portal_users_email")),
    )
    with op.batch_alter_table("portal_users", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_portal_users_partner_id"), ["partner_id"], unique=False)

    op.create_table(
        "portal_sessions",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("created", myengine.db.base.UTCDateTime(), nullable=False),
        sa.Column("last_seen", myengine.db.base.UTCDateTime(), nullable=False),
        sa.Column("expires", myengine.db.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["portal_users.id"],
            name=op.f("fk_portal_sessions_user_id_portal_users"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_sessions")),
    )
    with op.batch_alter_table("portal_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_portal_sessions_user_id"), ["user_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_portal_sessions_expires"), ["expires"], unique=False)

    op.create_table(
        "portal_email_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("purpose", sa.String(length=32), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("client_id", sa.Integer(), nullable=True),
        sa.Column("email_digest", sa.String(length=64), nullable=False),
        sa.Column("created", myengine.db.base.UTCDateTime(), nullable=False),
        sa.Column("expires", myengine.db.base.UTCDateTime(), nullable=False),
        sa.Column("used", myengine.db.base.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"],
            name=op.f("fk_portal_email_tokens_partner_id_partners"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["portal_users.id"],
            name=op.f("fk_portal_email_tokens_user_id_portal_users"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"],
            name=op.f("fk_portal_email_tokens_client_id_clients"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_email_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_portal_email_tokens_token_hash")),
    )
    with op.batch_alter_table("portal_email_tokens", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_portal_email_tokens_partner_id"), ["partner_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_portal_email_tokens_user_id"), ["user_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_portal_email_tokens_client_id"), ["client_id"], unique=False
        )

    op.create_table(
        "portal_throttle_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bucket", sa.String(length=32), nullable=False),
        sa.Column("subject", sa.String(length=64), nullable=False),
        sa.Column("created", myengine.db.base.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_throttle_events")),
    )
    with op.batch_alter_table("portal_throttle_events", schema=None) as batch_op:
        batch_op.create_index(
            "ix_portal_throttle_events_bucket_subject_created",
            ["bucket", "subject", "created"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_portal_throttle_events_created"), ["created"], unique=False
        )


def downgrade() -> None:
    op.drop_table("portal_throttle_events")
    op.drop_table("portal_email_tokens")
    op.drop_table("portal_sessions")
    op.drop_table("portal_users")
