"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-25 20:36:18.199215
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_event',
    sa.Column('seq', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('role', sa.String(length=30), nullable=False),
    sa.Column('action', sa.String(length=60), nullable=False),
    sa.Column('case_id', sa.String(length=36), nullable=True),
    sa.Column('task_id', sa.String(length=36), nullable=True),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_audit_event')),
    sa.UniqueConstraint('prev_hash', name=op.f('uq_audit_event_prev_hash'))
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_event_case_id'), ['case_id'], unique=False)

    op.create_table('audit_head',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_head'))
    )
    # The chain starts from a known head: verify can then tell a truncated chain from an empty one.
    op.bulk_insert(
        sa.table("audit_head", sa.column("id", sa.Integer), sa.column("seq", sa.Integer), sa.column("hash", sa.String)),
        [{"id": 1, "seq": 0, "hash": "0" * 64}],
    )
    op.create_table('process_definition',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_process_definition')),
    sa.UniqueConstraint('key', name=op.f('uq_process_definition_key'))
    )
    op.create_table('process_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('definition_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('process_id', sa.String(length=200), nullable=False),
    sa.Column('author', sa.String(length=100), nullable=False),
    sa.Column('change_note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['definition_id'], ['process_definition.id'], name=op.f('fk_process_version_definition_id_process_definition')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_process_version')),
    sa.UniqueConstraint('definition_id', 'content_hash', name=op.f('uq_process_version_definition_id_content_hash')),
    sa.UniqueConstraint('definition_id', 'number', name=op.f('uq_process_version_definition_id_number'))
    )
    with op.batch_alter_table('process_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_process_version_content_hash'), ['content_hash'], unique=False)

    op.create_table('case',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('reference', sa.String(length=20), nullable=False),
    sa.Column('process_version_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('direction', sa.String(length=20), nullable=False),
    sa.Column('urgency', sa.String(length=20), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('started_by', sa.String(length=100), nullable=False),
    sa.Column('team', sa.String(length=100), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('instance_state', sa.Text(), nullable=False),
    sa.Column('serializer_version', sa.String(length=20), nullable=False),
    sa.Column('next_timer_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('incident_message', sa.Text(), nullable=True),
    sa.Column('incident_element', sa.String(length=200), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['process_version_id'], ['process_version.id'], name=op.f('fk_case_process_version_id_process_version')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case')),
    sa.UniqueConstraint('reference', name=op.f('uq_case_reference'))
    )
    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.create_index('ix_case_due_timers', ['status', 'next_timer_at'], unique=False)
        batch_op.create_index('ix_case_started_by', ['started_by'], unique=False)

    op.create_table('process_file',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['version_id'], ['process_version.id'], name=op.f('fk_process_file_version_id_process_version')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_process_file')),
    sa.UniqueConstraint('version_id', 'name', name=op.f('uq_process_file_version_id_name'))
    )
    with op.batch_alter_table('process_file', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_process_file_version_id'), ['version_id'], unique=False)

    op.create_table('decision_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.String(length=36), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decision_maker', sa.String(length=100), nullable=False),
    sa.Column('decision_maker_role', sa.String(length=30), nullable=False),
    sa.Column('article6_basis', sa.Text(), nullable=True),
    sa.Column('article9_condition', sa.Text(), nullable=True),
    sa.Column('schedule1_paragraph', sa.Text(), nullable=True),
    sa.Column('article10_condition', sa.Text(), nullable=True),
    sa.Column('exemption', sa.Text(), nullable=True),
    sa.Column('common_law_justification', sa.Text(), nullable=True),
    sa.Column('consent_sought', sa.Boolean(), nullable=True),
    sa.Column('consent_not_sought_reason', sa.Text(), nullable=True),
    sa.Column('consent_of_whom', sa.String(length=50), nullable=True),
    sa.Column('consent_result', sa.String(length=20), nullable=True),
    sa.Column('consent_scope', sa.Text(), nullable=True),
    sa.Column('consent_date', sa.Date(), nullable=True),
    sa.Column('consent_method', sa.String(length=50), nullable=True),
    sa.Column('consent_override_reason', sa.Text(), nullable=True),
    sa.Column('withheld_and_why', sa.Text(), nullable=True),
    sa.Column('not_sharing_reasons', sa.Text(), nullable=True),
    sa.Column('discussed_with_requester_on', sa.Date(), nullable=True),
    sa.Column('reconsideration_history', sa.Text(), nullable=True),
    sa.Column('subject_informed', sa.Boolean(), nullable=True),
    sa.Column('subject_informed_who', sa.String(length=200), nullable=True),
    sa.Column('subject_informed_when', sa.Date(), nullable=True),
    sa.Column('subject_informed_how', sa.String(length=100), nullable=True),
    sa.Column('subject_not_informed_reason', sa.Text(), nullable=True),
    sa.Column('review_date', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_decision_record_case_id_case')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_decision_record')),
    sa.UniqueConstraint('case_id', 'revision', name=op.f('uq_decision_record_case_id_revision'))
    )
    with op.batch_alter_table('decision_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decision_record_case_id'), ['case_id'], unique=False)

    op.create_table('human_task',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('case_id', sa.String(length=36), nullable=False),
    sa.Column('element_id', sa.String(length=200), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('lane', sa.String(length=100), nullable=True),
    sa.Column('role', sa.String(length=30), nullable=False),
    sa.Column('assignee', sa.String(length=100), nullable=True),
    sa.Column('claimed_by', sa.String(length=100), nullable=True),
    sa.Column('form', sa.String(length=200), nullable=True),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('completed_by', sa.String(length=100), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_human_task_case_id_case'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_human_task'))
    )
    with op.batch_alter_table('human_task', schema=None) as batch_op:
        batch_op.create_index('ix_human_task_assignee', ['state', 'assignee'], unique=False)
        batch_op.create_index(batch_op.f('ix_human_task_case_id'), ['case_id'], unique=False)
        batch_op.create_index('ix_human_task_claimed_by', ['state', 'claimed_by'], unique=False)
        batch_op.create_index('ix_human_task_queue', ['state', 'role', 'due_at'], unique=False)

    op.create_table('advice_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('adviser', sa.String(length=100), nullable=False),
    sa.Column('adviser_role', sa.String(length=50), nullable=False),
    sa.Column('given_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('advice', sa.Text(), nullable=False),
    sa.Column('subject_named', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['decision_id'], ['decision_record.id'], name=op.f('fk_advice_entry_decision_id_decision_record')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_advice_entry'))
    )
    with op.batch_alter_table('advice_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_advice_entry_decision_id'), ['decision_id'], unique=False)

    op.create_table('disclosure_log_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.String(length=36), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recipient_person', sa.String(length=200), nullable=False),
    sa.Column('recipient_role', sa.String(length=200), nullable=False),
    sa.Column('recipient_organisation', sa.String(length=200), nullable=False),
    sa.Column('recipient_address', sa.String(length=300), nullable=False),
    sa.Column('recipient_verified_how', sa.Text(), nullable=False),
    sa.Column('channel', sa.String(length=100), nullable=False),
    sa.Column('security_controls', sa.Text(), nullable=False),
    sa.Column('purpose_snapshot', sa.Text(), nullable=False),
    sa.Column('basis_snapshot', sa.Text(), nullable=False),
    sa.Column('onward_sharing_restrictions', sa.Text(), nullable=True),
    sa.Column('receipt_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('receipt_by', sa.String(length=200), nullable=True),
    sa.Column('subject_informed', sa.Boolean(), nullable=True),
    sa.Column('subject_not_informed_reason', sa.Text(), nullable=True),
    sa.Column('retention_rule', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_disclosure_log_entry_case_id_case')),
    sa.ForeignKeyConstraint(['decision_id'], ['decision_record.id'], name=op.f('fk_disclosure_log_entry_decision_id_decision_record')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_disclosure_log_entry'))
    )
    with op.batch_alter_table('disclosure_log_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_disclosure_log_entry_case_id'), ['case_id'], unique=False)

    op.create_table('gateway_answer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('question', sa.String(length=200), nullable=False),
    sa.Column('answer', sa.String(length=200), nullable=False),
    sa.Column('reasons', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['decision_id'], ['decision_record.id'], name=op.f('fk_gateway_answer_decision_id_decision_record')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_gateway_answer'))
    )
    with op.batch_alter_table('gateway_answer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_gateway_answer_decision_id'), ['decision_id'], unique=False)

    op.create_table('disclosed_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('disclosure_id', sa.Integer(), nullable=False),
    sa.Column('summary_or_reference', sa.Text(), nullable=False),
    sa.Column('period_covered', sa.String(length=100), nullable=True),
    sa.Column('currency', sa.String(length=20), nullable=False),
    sa.Column('nature', sa.String(length=30), nullable=False),
    sa.Column('accuracy_checked', sa.Boolean(), nullable=False),
    sa.Column('redactions', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['disclosure_id'], ['disclosure_log_entry.id'], name=op.f('fk_disclosed_item_disclosure_id_disclosure_log_entry')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_disclosed_item'))
    )
    with op.batch_alter_table('disclosed_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_disclosed_item_disclosure_id'), ['disclosure_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('disclosed_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_disclosed_item_disclosure_id'))

    op.drop_table('disclosed_item')
    with op.batch_alter_table('gateway_answer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_gateway_answer_decision_id'))

    op.drop_table('gateway_answer')
    with op.batch_alter_table('disclosure_log_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_disclosure_log_entry_case_id'))

    op.drop_table('disclosure_log_entry')
    with op.batch_alter_table('advice_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_advice_entry_decision_id'))

    op.drop_table('advice_entry')
    with op.batch_alter_table('human_task', schema=None) as batch_op:
        batch_op.drop_index('ix_human_task_queue')
        batch_op.drop_index('ix_human_task_claimed_by')
        batch_op.drop_index(batch_op.f('ix_human_task_case_id'))
        batch_op.drop_index('ix_human_task_assignee')

    op.drop_table('human_task')
    with op.batch_alter_table('decision_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decision_record_case_id'))

    op.drop_table('decision_record')
    with op.batch_alter_table('process_file', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_process_file_version_id'))

    op.drop_table('process_file')
    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.drop_index('ix_case_started_by')
        batch_op.drop_index('ix_case_due_timers')

    op.drop_table('case')
    with op.batch_alter_table('process_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_process_version_content_hash'))

    op.drop_table('process_version')
    op.drop_table('process_definition')
    op.drop_table('audit_head')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_event_case_id'))

    op.drop_table('audit_event')
