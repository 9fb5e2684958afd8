"""process drafts: process owners' proposed versions, approved by a second owner before publishing

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-26 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('process_version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('approved_by', sa.String(length=100), nullable=True))

    op.create_table(
        'process_draft',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('definition_key', sa.String(length=100), nullable=False),
        sa.Column('base_version_id', sa.Integer(), nullable=True),
        sa.Column('files', sa.Text(), nullable=False),
        sa.Column('content_hash', sa.String(length=64), nullable=False),
        sa.Column('author', sa.String(length=100), nullable=False),
        sa.Column('change_note', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('approved_by', sa.String(length=100), nullable=True),
        sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('published_version_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['base_version_id'], ['process_version.id'], ),
        sa.ForeignKeyConstraint(['published_version_id'], ['process_version.id'], ),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('process_draft', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_process_draft_definition_key'), ['definition_key'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('process_draft', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_process_draft_definition_key'))
    op.drop_table('process_draft')

    with op.batch_alter_table('process_version', schema=None) as batch_op:
        batch_op.drop_column('approved_by')
