"""task answers and completion order; disclosure log entry names its task

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 23:27:09.100276
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('disclosure_log_entry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('task_id', sa.String(length=36), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_disclosure_log_entry_task_id'), ['task_id'])

    with op.batch_alter_table('human_task', schema=None) as batch_op:
        batch_op.add_column(sa.Column('answers', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('completion_order', sa.Integer(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('human_task', schema=None) as batch_op:
        batch_op.drop_column('completion_order')
        batch_op.drop_column('answers')

    with op.batch_alter_table('disclosure_log_entry', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_disclosure_log_entry_task_id'), type_='unique')
        batch_op.drop_column('task_id')

