"""review: every captured record's review state (waiting | returned | approved), and reviewers' kinds

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 16:00:00

Records made before review existed are approved (the columns' server default): they were counted in
reports already, and a queue of every old record would bury the new ones. Their review_at stays NULL
("approved before review existed"). The transitions themselves are audit-log entries
(storage/review.py), so this revision adds no history table.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0009'
down_revision: Union[str, Sequence[str], None] = '0008'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

TABLES = ('plans', 'inspections', 'calibration_batches', 'licences', 'activities')


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('review_state', sa.String(length=16), server_default='approved',
                                          nullable=False))
            batch_op.add_column(sa.Column('review_at', sa.DateTime(timezone=True), nullable=True))
            batch_op.add_column(sa.Column('review_comment', sa.Text(), server_default='', nullable=False))
            batch_op.add_column(sa.Column('review_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'),
                                          nullable=True))
            batch_op.create_foreign_key(batch_op.f(f'fk_{table}_review_by_staff'), 'staff', ['review_by'], ['id'],
                                        ondelete='SET NULL')
            batch_op.create_index(f'ix_{table}_review', ['review_state', 'review_at'], unique=False)
    op.create_table('review_scopes',
    sa.Column('staff_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_review_scopes_staff_id_staff'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('staff_id', 'kind', name=op.f('pk_review_scopes'))
    )


def downgrade() -> None:
    op.drop_table('review_scopes')
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(f'ix_{table}_review')
            batch_op.drop_constraint(batch_op.f(f'fk_{table}_review_by_staff'), type_='foreignkey')
            batch_op.drop_column('review_by')
            batch_op.drop_column('review_comment')
            batch_op.drop_column('review_at')
            batch_op.drop_column('review_state')
