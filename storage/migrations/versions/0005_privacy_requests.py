"""privacy: the full notice kept with each consent, refusal counts, data subjects' requests

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 13:00:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0005'
down_revision: Union[str, Sequence[str], None] = '0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

Id = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    with op.batch_alter_table('consents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('full_version', sa.String(length=40), server_default='', nullable=False))
        batch_op.add_column(sa.Column('full_text', sa.Text(), server_default='', nullable=False))
    op.create_table('consent_refusals',
    sa.Column('notice_version', sa.String(length=40), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('notice_version', name=op.f('pk_consent_refusals'))
    )
    op.create_table('privacy_requests',
    sa.Column('id', Id, nullable=False),
    sa.Column('staff_id', Id, nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('chat_id', sa.String(length=64), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('due', sa.Date(), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_by', sa.String(length=64), nullable=False),
    sa.Column('closed_with', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_privacy_requests_staff_id_staff'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_privacy_requests'))
    )
    with op.batch_alter_table('privacy_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_privacy_requests_staff_id'), ['staff_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('privacy_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_privacy_requests_staff_id'))
    op.drop_table('privacy_requests')
    op.drop_table('consent_refusals')
    with op.batch_alter_table('consents', schema=None) as batch_op:
        batch_op.drop_column('full_text')
        batch_op.drop_column('full_version')
