"""a draft's life: edited in place, submitted, withdrawn, rejected or approved with comments; a rollback
brings an earlier version's files back as a new version, so a version's content hash is no longer unique

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-01 16:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'process_draft_comment',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('draft_id', sa.String(length=36), nullable=False),
        sa.Column('author', sa.String(length=100), nullable=False),
        sa.Column('action', sa.String(length=20), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['draft_id'], ['process_draft.id'],
                                name=op.f('fk_process_draft_comment_draft_id_process_draft')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_process_draft_comment')),
    )
    with op.batch_alter_table('process_draft_comment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_process_draft_comment_draft_id'), ['draft_id'], unique=False)
    with op.batch_alter_table('process_draft', schema=None) as batch_op:
        batch_op.add_column(sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('rollback_of', sa.Integer(), nullable=True))
    # Drafts saved before this waited for approval: they are submitted.
    op.execute("UPDATE process_draft SET status = 'submitted', submitted_at = created_at WHERE status = 'pending'")
    with op.batch_alter_table('process_version', schema=None) as batch_op:
        batch_op.drop_constraint('uq_process_version_definition_id_content_hash', type_='unique')


def downgrade() -> None:
    with op.batch_alter_table('process_version', schema=None) as batch_op:
        batch_op.create_unique_constraint('uq_process_version_definition_id_content_hash',
                                          ['definition_id', 'content_hash'])
    op.execute("UPDATE process_draft SET status = 'pending' WHERE status IN ('submitted', 'working', 'rejected')")
    with op.batch_alter_table('process_draft', schema=None) as batch_op:
        batch_op.drop_column('rollback_of')
        batch_op.drop_column('submitted_at')
        batch_op.drop_column('updated_at')
    with op.batch_alter_table('process_draft_comment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_process_draft_comment_draft_id'))
    op.drop_table('process_draft_comment')
