"""who answered

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-26 00:56:24.273727
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('gateway_answer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('answered_by', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('answered_role', sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('gateway_answer', schema=None) as batch_op:
        batch_op.drop_column('answered_at')
        batch_op.drop_column('answered_role')
        batch_op.drop_column('answered_by')

