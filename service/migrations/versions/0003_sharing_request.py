"""sharing request and its subjects

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 23:36:32.172867
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('sharing_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.String(length=36), nullable=False),
    sa.Column('direction', sa.String(length=20), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('channel', sa.String(length=30), nullable=True),
    sa.Column('urgency', sa.String(length=20), nullable=False),
    sa.Column('needed_by', sa.Date(), nullable=True),
    sa.Column('requester_name', sa.String(length=200), nullable=True),
    sa.Column('requester_role', sa.String(length=200), nullable=True),
    sa.Column('requester_organisation', sa.String(length=200), nullable=True),
    sa.Column('requester_contact', sa.String(length=300), nullable=True),
    sa.Column('requester_verified_how', sa.Text(), nullable=True),
    sa.Column('requester_verified_by', sa.String(length=100), nullable=True),
    sa.Column('requester_verified_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('requester_authority', sa.Text(), nullable=True),
    sa.Column('purpose', sa.String(length=40), nullable=True),
    sa.Column('purpose_other', sa.Text(), nullable=True),
    sa.Column('statutory_power', sa.String(length=60), nullable=True),
    sa.Column('data_categories', sa.Text(), nullable=True),
    sa.Column('special_category', sa.Boolean(), nullable=True),
    sa.Column('criminal_offence_data', sa.Boolean(), nullable=True),
    sa.Column('confidential', sa.Boolean(), nullable=True),
    sa.Column('data_sharing_agreement', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_sharing_request_case_id_case')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sharing_request')),
    sa.UniqueConstraint('case_id', name=op.f('uq_sharing_request_case_id'))
    )
    op.create_table('sharing_subject',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=30), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('identifiers', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['request_id'], ['sharing_request.id'], name=op.f('fk_sharing_subject_request_id_sharing_request')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sharing_subject'))
    )
    with op.batch_alter_table('sharing_subject', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sharing_subject_request_id'), ['request_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('sharing_subject', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sharing_subject_request_id'))

    op.drop_table('sharing_subject')
    op.drop_table('sharing_request')
