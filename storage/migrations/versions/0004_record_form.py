"""record form: every record remembers the form that made it (/cuatoi opens that form to correct it)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07 12:50:00

Rows written before this revision were made by the one form that stored in their table: that form's
name is written into them (the names of handlers/<form>.py's declarations on that day).
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0004'
down_revision: Union[str, Sequence[str], None] = '0003'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# table -> the form that made its rows until now
FORMS = {
    'plans': 'plan',
    'inspections': 'inspection',
    'calibration_batches': 'calibration',
    'licences': 'licence',
    'activities': 'activity',
}


def upgrade() -> None:
    for table, form in FORMS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('form', sa.String(length=48), server_default='', nullable=False))
        op.execute(sa.text(f"UPDATE {table} SET form = :form WHERE form = ''").bindparams(form=form))


def downgrade() -> None:
    for table in FORMS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('form')
