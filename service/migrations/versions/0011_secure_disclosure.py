"""secure disclosure: sealed packages behind single-use links

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-26 02:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'secure_disclosure',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('case_id', sa.String(length=36), nullable=False),
        sa.Column('task_id', sa.String(length=36), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('created_by', sa.String(length=100), nullable=False),
        sa.Column('recipient_person', sa.String(length=200), nullable=False),
        sa.Column('recipient_organisation', sa.String(length=200), nullable=False),
        sa.Column('recipient_email', sa.String(length=300), nullable=False),
        sa.Column('key_id', sa.String(length=40), nullable=False),
        sa.Column('wrapped_key', sa.LargeBinary(), nullable=False),
        sa.Column('sealed_content', sa.LargeBinary(), nullable=False),
        sa.Column('sealed_code', sa.LargeBinary(), nullable=False),
        sa.Column('link_token_sha256', sa.String(length=64), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('failed_attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('locked_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('opened_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('downloaded_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('revoked_by', sa.String(length=100), nullable=True),
        sa.Column('receipt_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('receipt_by', sa.String(length=200), nullable=True),
        sa.Column('replaces', sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(['case_id'], ['case.id'], ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('link_token_sha256'),
    )
    with op.batch_alter_table('secure_disclosure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_secure_disclosure_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_secure_disclosure_task_id'), ['task_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('secure_disclosure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_secure_disclosure_task_id'))
        batch_op.drop_index(batch_op.f('ix_secure_disclosure_case_id'))
    op.drop_table('secure_disclosure')
