"""timer firings

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 23:49:17.655655
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('timer_firing',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.String(length=36), nullable=False),
    sa.Column('element_id', sa.String(length=200), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('fired_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('lateness_seconds', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_timer_firing_case_id_case')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_timer_firing'))
    )
    with op.batch_alter_table('timer_firing', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_timer_firing_case_id'), ['case_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('timer_firing', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_timer_firing_case_id'))

    op.drop_table('timer_firing')
