"""idempotency keys

Revision ID: 0003
Revises: 0002

One row per ``Idempotency-Key`` a partner sent with a write, holding the stored response
for 24 hours (see ``myengine.idempotency``).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import myengine.db.base

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "idempotency_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("path", sa.String(length=2048), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("lock_token", sa.String(length=64), nullable=True),
        sa.Column("locked_at", myengine.db.base.UTCDateTime(), nullable=True),
        sa.Column("response_status", sa.Integer(), nullable=True),
        sa.Column("response_headers", sa.JSON(), nullable=True),
        sa.Column("response_body", sa.LargeBinary(), nullable=True),
        sa.Column("created", myengine.db.base.UTCDateTime(), nullable=False),
        sa.Column("expires", myengine.db.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partners.id"],
            name=op.f("fk_idempotency_keys_partner_id_partners"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idempotency_keys")),
    )
    with op.batch_alter_table("idempotency_keys", schema=None) as batch_op:
        batch_op.create_index("uq_idempotency_keys_partner_key", ["partner_id", "key"], unique=True)
        batch_op.create_index(
            "ix_idempotency_keys_partner_expires", ["partner_id", "expires"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("idempotency_keys", schema=None) as batch_op:
        batch_op.drop_index("ix_idempotency_keys_partner_expires")
        batch_op.drop_index("uq_idempotency_keys_partner_key")

    op.drop_table("idempotency_keys")
