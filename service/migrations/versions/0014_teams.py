"""the organisation's teams, which accounts must belong to

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-26 04:30:00
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    team = op.create_table(
        'team',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('created_by', sa.String(length=100), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_team')),
        sa.UniqueConstraint('name', name=op.f('uq_team_name')),
    )
    # Every team already named on an account or a case becomes a team of the organisation.
    connection = op.get_bind()
    names = {row[0] for row in connection.execute(sa.text(
        'SELECT team FROM user_account WHERE team IS NOT NULL UNION SELECT team FROM "case" WHERE team IS NOT NULL'))}
    now = datetime.now(UTC)
    if connection.dialect.name == 'sqlite':
        now = now.replace(tzinfo=None)
    if names:
        op.bulk_insert(team, [{'name': name, 'created_by': 'migration', 'created_at': now} for name in sorted(names)])
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.create_foreign_key(batch_op.f('fk_user_account_team_team'), 'team', ['team'], ['name'])


def downgrade() -> None:
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_user_account_team_team'), type_='foreignkey')
    op.drop_table('team')
