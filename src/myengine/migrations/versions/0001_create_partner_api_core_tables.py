"""create partner api core tables

Revision ID: 0001
Revises: 
Create Date: 2026-12-04 19:24:07.567441

Also installs the default tariff and starts client and live-service ids at the
values partners' integrations are used to seeing (seven digits).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import myengine.db.base

from myengine.live_services.tariff import DEFAULT_TARIFF

revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('clients',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=True),
    sa.Column('is_partner', sa.Boolean(), server_default='0', nullable=False),
    sa.Column('external_userid', sa.String(length=64), nullable=True),
    sa.Column('username', sa.String(length=128), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('title', sa.String(length=32), nullable=True),
    sa.Column('firstname', sa.String(length=128), nullable=True),
    sa.Column('surname', sa.String(length=128), nullable=True),
    sa.Column('company', sa.String(length=255), nullable=True),
    sa.Column('phone', sa.String(length=32), nullable=True),
    sa.Column('address1', sa.String(length=255), nullable=True),
    sa.Column('address2', sa.String(length=255), nullable=True),
    sa.Column('city', sa.String(length=128), nullable=True),
    sa.Column('region', sa.String(length=128), nullable=True),
    sa.Column('postcode', sa.String(length=32), nullable=True),
    sa.Column('country', sa.String(length=2), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('verified', sa.Boolean(), nullable=False),
    sa.Column('client_status_id', sa.SmallInteger(), nullable=False),
    sa.Column('created', myengine.db.base.UTCDateTime(), nullable=False),
    sa.Column('modified', myengine.db.base.UTCDateTime(), nullable=False),
    sa.Column('deleted', myengine.db.base.UTCDateTime(), nullable=True),
    sa.Column('anonymise_after', myengine.db.base.UTCDateTime(), nullable=True),
    sa.Column('anonymised', myengine.db.base.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['partner_id'], ['clients.id'], name=op.f('fk_clients_partner_id_clients'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_clients')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('clients', schema=None) as batch_op:
        batch_op.create_index('ix_clients_partner_id_id', ['partner_id', 'id'], unique=False)
        batch_op.create_index('uq_clients_partner_external_userid_live', ['partner_id', 'external_userid'], unique=True, sqlite_where=sa.text('deleted IS NULL AND external_userid IS NOT NULL'), postgresql_where=sa.text('deleted IS NULL AND external_userid IS NOT NULL'))
        batch_op.create_index('uq_clients_partner_username_live', ['partner_id', 'username'], unique=True, sqlite_where=sa.text('deleted IS NULL'), postgresql_where=sa.text('deleted IS NULL'))

    op.create_table('packages',
    sa.Column('service_name', sa.String(length=64), nullable=False),
    sa.Column('product', sa.String(length=16), nullable=False),
    sa.Column('description', sa.String(length=255), nullable=False),
    sa.Column('credits', sa.Integer(), nullable=False),
    sa.Column('limits', sa.JSON(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('available', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('service_name', name=op.f('pk_packages'))
    )
    with op.batch_alter_table('packages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_packages_product'), ['product'], unique=False)

    op.create_table('partners',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('api_enabled', sa.Boolean(), nullable=False),
    sa.Column('credit_balance', sa.Integer(), nullable=False),
    sa.Column('retention_grace_days', sa.Integer(), nullable=True),
    sa.Column('created', myengine.db.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['id'], ['clients.id'], name=op.f('fk_partners_id_clients'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partners'))
    )
    op.create_table('api_keys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('prefix', sa.String(length=64), nullable=False),
    sa.Column('secret_hash', sa.String(length=64), nullable=False),
    sa.Column('environment', sa.String(length=16), nullable=False),
    sa.Column('note', sa.String(length=255), nullable=False),
    sa.Column('created', myengine.db.base.UTCDateTime(), nullable=False),
    sa.Column('expires', myengine.db.base.UTCDateTime(), nullable=True),
    sa.Column('revoked', myengine.db.base.UTCDateTime(), nullable=True),
    sa.Column('last_used', myengine.db.base.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['partner_id'], ['partners.id'], name=op.f('fk_api_keys_partner_id_partners'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_keys')),
    sa.UniqueConstraint('prefix', name=op.f('uq_api_keys_prefix'))
    )
    with op.batch_alter_table('api_keys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_keys_partner_id'), ['partner_id'], unique=False)

    op.create_table('live_services',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('product', sa.String(length=16), nullable=False),
    sa.Column('service_name', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('domain', sa.String(length=253), nullable=True),
    sa.Column('whmcs_service_id', sa.String(length=64), nullable=True),
    sa.Column('attributes', sa.JSON(), nullable=False),
    sa.Column('smtp_password_hash', sa.String(length=255), nullable=True),
    sa.Column('created', myengine.db.base.UTCDateTime(), nullable=False),
    sa.Column('modified', myengine.db.base.UTCDateTime(), nullable=False),
    sa.Column('deleted', myengine.db.base.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_live_services_client_id_clients'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['partner_id'], ['partners.id'], name=op.f('fk_live_services_partner_id_partners'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['service_name'], ['packages.service_name'], name=op.f('fk_live_services_service_name_packages')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_live_services')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('live_services', schema=None) as batch_op:
        batch_op.create_index('ix_live_services_client_id', ['client_id'], unique=False)
        batch_op.create_index('ix_live_services_partner_id_id', ['partner_id', 'id'], unique=False)

    op.create_table('partner_allowed_networks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('cidr', sa.String(length=64), nullable=False),
    sa.Column('note', sa.String(length=255), nullable=False),
    sa.Column('created', myengine.db.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['partner_id'], ['partners.id'], name=op.f('fk_partner_allowed_networks_partner_id_partners'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partner_allowed_networks'))
    )
    with op.batch_alter_table('partner_allowed_networks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_partner_allowed_networks_partner_id'), ['partner_id'], unique=False)

    op.create_table('credit_ledger',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('balance_after', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=32), nullable=False),
    sa.Column('live_service_id', sa.Integer(), nullable=True),
    sa.Column('service_name', sa.String(length=64), nullable=True),
    sa.Column('request_id', sa.String(length=64), nullable=True),
    sa.Column('created', myengine.db.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['live_service_id'], ['live_services.id'], name=op.f('fk_credit_ledger_live_service_id_live_services'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['partner_id'], ['partners.id'], name=op.f('fk_credit_ledger_partner_id_partners'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_credit_ledger'))
    )
    with op.batch_alter_table('credit_ledger', schema=None) as batch_op:
        batch_op.create_index('ix_credit_ledger_partner_id_id', ['partner_id', 'id'], unique=False)

    op.create_table('live_service_suspensions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('live_service_id', sa.Integer(), nullable=False),
    sa.Column('cause', sa.String(length=32), nullable=False),
    sa.Column('created', myengine.db.base.UTCDateTime(), nullable=False),
    sa.Column('lifted', myengine.db.base.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['live_service_id'], ['live_services.id'], name=op.f('fk_live_service_suspensions_live_service_id_live_services'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['partner_id'], ['partners.id'], name=op.f('fk_live_service_suspensions_partner_id_partners'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_live_service_suspensions'))
    )
    with op.batch_alter_table('live_service_suspensions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_live_service_suspensions_live_service_id'), ['live_service_id'], unique=False)
        batch_op.create_index('uq_live_service_suspensions_active_cause', ['live_service_id', 'cause'], unique=True, sqlite_where=sa.text('lifted IS NULL'), postgresql_where=sa.text('lifted IS NULL'))

    packages = sa.table(
        "packages",
        sa.column("service_name", sa.String),
        sa.column("product", sa.String),
        sa.column("description", sa.String),
        sa.column("credits", sa.Integer),
        sa.column("limits", sa.JSON),
        sa.column("sort_order", sa.Integer),
        sa.column("available", sa.Boolean),
    )
    op.bulk_insert(
        packages,
        [
            {**package, "sort_order": index, "available": True}
            for index, package in enumerate(DEFAULT_TARIFF)
        ],
    )

    dialect = op.get_bind().dialect.name
    # Indexes for case-insensitive LIKE searches on the fields searched most; see
    # myengine.api.listing.CaseInsensitiveLike for how each backend uses them.
    for column in ("username", "email"):
        if dialect == "sqlite":
            op.execute(
                f"CREATE INDEX ix_clients_partner_{column}_nocase "
                f"ON clients (partner_id, {column} COLLATE NOCASE)"
            )
        elif dialect == "postgresql":
            op.execute(
                f"CREATE INDEX ix_clients_partner_{column}_lower "
                f"ON clients (partner_id, lower({column}) text_pattern_ops)"
            )

    if dialect == "sqlite":
        op.execute("INSERT INTO sqlite_sequence (name, seq) VALUES ('clients', 1000000)")
        op.execute("INSERT INTO sqlite_sequence (name, seq) VALUES ('live_services', 1234000)")
    elif dialect == "postgresql":
        op.execute("ALTER SEQUENCE clients_id_seq RESTART WITH 1000001")
        op.execute("ALTER SEQUENCE live_services_id_seq RESTART WITH 1234001")


def downgrade() -> None:
    with op.batch_alter_table('live_service_suspensions', schema=None) as batch_op:
        batch_op.drop_index('uq_live_service_suspensions_active_cause', sqlite_where=sa.text('lifted IS NULL'), postgresql_where=sa.text('lifted IS NULL'))
        batch_op.drop_index(batch_op.f('ix_live_service_suspensions_live_service_id'))

    op.drop_table('live_service_suspensions')
    with op.batch_alter_table('credit_ledger', schema=None) as batch_op:
        batch_op.drop_index('ix_credit_ledger_partner_id_id')

    op.drop_table('credit_ledger')
    with op.batch_alter_table('partner_allowed_networks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_partner_allowed_networks_partner_id'))

    op.drop_table('partner_allowed_networks')
    with op.batch_alter_table('live_services', schema=None) as batch_op:
        batch_op.drop_index('ix_live_services_partner_id_id')
        batch_op.drop_index('ix_live_services_client_id')

    op.drop_table('live_services')
    with op.batch_alter_table('api_keys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_keys_partner_id'))

    op.drop_table('api_keys')
    op.drop_table('partners')
    with op.batch_alter_table('packages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_packages_product'))

    op.drop_table('packages')
    with op.batch_alter_table('clients', schema=None) as batch_op:
        batch_op.drop_index('uq_clients_partner_username_live', sqlite_where=sa.text('deleted IS NULL'), postgresql_where=sa.text('deleted IS NULL'))
        batch_op.drop_index('uq_clients_partner_external_userid_live', sqlite_where=sa.text('deleted IS NULL AND external_userid IS NOT NULL'), postgresql_where=sa.text('deleted IS NULL AND external_userid IS NOT NULL'))
        batch_op.drop_index('ix_clients_partner_id_id')

    op.drop_table('clients')
