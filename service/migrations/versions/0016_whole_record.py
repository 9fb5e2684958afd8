"""the whole record: every answer of every step, the practitioner's own reasons, advice decisions,
new information, emergency references and identifying details withheld

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

_DECISION_COLUMNS = (
    ('decision_summary', sa.Text()), ('recorded_by', sa.String(length=100)), ('retention_rule', sa.String(length=200)),
    ('no_basis_reason', sa.Text()), ('condition_reasons', sa.Text()), ('basis_notes', sa.Text()),
    ('consent_by_name', sa.String(length=200)), ('consent_explicit', sa.Boolean()),
    ('identifying_details_withheld', sa.Text()), ('how_requester_told', sa.Text()),
    ('subject_informed_relationship', sa.String(length=30)), ('also_told', sa.Text()),
)
_ADVICE_COLUMNS = (('decision', sa.String(length=30)), ('question', sa.Text()), ('also_consulted', sa.Text()))
_DISCLOSURE_COLUMNS = (('reference', sa.String(length=200)), ('identifying_details', sa.Text()))


def upgrade() -> None:
    for table, columns in (('decision_record', _DECISION_COLUMNS), ('advice_entry', _ADVICE_COLUMNS),
                           ('disclosure_log_entry', _DISCLOSURE_COLUMNS)):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, kind in columns:
                batch_op.add_column(sa.Column(name, kind, nullable=True))
    op.create_table(
        'recorded_answer',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('decision_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('step', sa.String(length=200), nullable=False),
        sa.Column('element_id', sa.String(length=100), nullable=False),
        sa.Column('field', sa.String(length=100), nullable=False),
        sa.Column('question', sa.Text(), nullable=False),
        sa.Column('answer', sa.Text(), nullable=False),
        sa.Column('answered_by', sa.String(length=100), nullable=True),
        sa.Column('answered_role', sa.String(length=30), nullable=True),
        sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['decision_id'], ['decision_record.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_recorded_answer_decision_id', 'recorded_answer', ['decision_id'], unique=False)
    op.create_table(
        'new_information',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.String(length=36), nullable=False),
        sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('given_by', sa.String(length=100), nullable=False),
        sa.Column('given_by_role', sa.String(length=30), nullable=False),
        sa.Column('information', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['case.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_new_information_case_id', 'new_information', ['case_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_new_information_case_id', table_name='new_information')
    op.drop_table('new_information')
    op.drop_index('ix_recorded_answer_decision_id', table_name='recorded_answer')
    op.drop_table('recorded_answer')
    for table, columns in (('disclosure_log_entry', _DISCLOSURE_COLUMNS), ('advice_entry', _ADVICE_COLUMNS),
                           ('decision_record', _DECISION_COLUMNS)):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, _ in reversed(columns):
                batch_op.drop_column(name)
