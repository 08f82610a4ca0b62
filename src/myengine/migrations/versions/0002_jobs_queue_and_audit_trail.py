"""jobs queue and audit trail

Revision ID: 0002
Revises: 0001

The ``jobs`` table is the background job queue (``myengine.jobs``); ``audit_events`` is the
partners' audit trail (``myengine.audit``).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import myengine.db.base

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PENDING_WITH_KEY = "state = 'pending' AND dedup_key IS NOT NULL"


def upgrade() -> None:
    op.create_table(
        "jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("dedup_key", sa.String(length=128), nullable=True),
        sa.Column("run_after", myengine.db.base.UTCDateTime(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("locked_by", sa.String(length=64), nullable=True),
        sa.Column("locked_until", myengine.db.base.UTCDateTime(), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("created", myengine.db.base.UTCDateTime(), nullable=False),
        sa.Column("started", myengine.db.base.UTCDateTime(), nullable=True),
        sa.Column("finished", myengine.db.base.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jobs")),
    )
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.create_index(
            "ix_jobs_state_run_after", ["state", "run_after", "id"], unique=False
        )
        batch_op.create_index("ix_jobs_state_finished", ["state", "finished"], unique=False)
        batch_op.create_index("ix_jobs_dedup_key", ["dedup_key"], unique=False)
        batch_op.create_index(
            "uq_jobs_dedup_key_pending",
            ["dedup_key"],
            unique=True,
            sqlite_where=sa.text(PENDING_WITH_KEY),
            postgresql_where=sa.text(PENDING_WITH_KEY),
        )

    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("occurred", myengine.db.base.UTCDateTime(), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("subject_type", sa.String(length=32), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("actor_type", sa.String(length=16), nullable=False),
        sa.Column("api_key_id", sa.Integer(), nullable=True),
        sa.Column("job_id", sa.Integer(), nullable=True),
        sa.Column("request_id", sa.String(length=64), nullable=True),
        sa.Column("correlation_id", sa.String(length=64), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"],
            name=op.f("fk_audit_events_partner_id_partners"), ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.create_index("ix_audit_events_partner_id_id", ["partner_id", "id"], unique=False)
        batch_op.create_index(
            "ix_audit_events_subject", ["partner_id", "subject_type", "subject_id"], unique=False
        )
        batch_op.create_index("ix_audit_events_correlation_id", ["correlation_id"], unique=False)
        batch_op.create_index("ix_audit_events_occurred", ["occurred"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_events_occurred")
        batch_op.drop_index("ix_audit_events_correlation_id")
        batch_op.drop_index("ix_audit_events_subject")
        batch_op.drop_index("ix_audit_events_partner_id_id")
    op.drop_table("audit_events")

    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_jobs_dedup_key_pending",
            sqlite_where=sa.text(PENDING_WITH_KEY),
            postgresql_where=sa.text(PENDING_WITH_KEY),
        )
        batch_op.drop_index("ix_jobs_dedup_key")
        batch_op.drop_index("ix_jobs_state_finished")
        batch_op.drop_index("ix_jobs_state_run_after")
    op.drop_table("jobs")
