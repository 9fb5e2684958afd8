"""an index for the auditor's list of changes to accounts, teams and processes (events with no case)

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-26 06:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

_NO_CASE = sa.text('case_id IS NULL')


def upgrade() -> None:
    op.create_index('ix_audit_event_service_changes', 'audit_event', ['seq'], unique=False,
                    postgresql_where=_NO_CASE, sqlite_where=_NO_CASE)


def downgrade() -> None:
    op.drop_index('ix_audit_event_service_changes', table_name='audit_event')
