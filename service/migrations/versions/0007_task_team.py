"""task team

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26 00:32:37.989305
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('human_task', schema=None) as batch_op:
        batch_op.add_column(sa.Column('team', sa.String(length=100), nullable=True))
        batch_op.create_index('ix_human_task_team_queue', ['state', 'role', 'team', 'due_at'], unique=False)
    op.execute('UPDATE human_task SET team = (SELECT "case".team FROM "case" WHERE "case".id = human_task.case_id)')


def downgrade() -> None:
    with op.batch_alter_table('human_task', schema=None) as batch_op:
        batch_op.drop_index('ix_human_task_team_queue')
        batch_op.drop_column('team')

