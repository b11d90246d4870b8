"""reliability: one notice per outage (outages), invitation tries across accounts and restarts (code_tries)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 12:50:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0007'
down_revision: Union[str, Sequence[str], None] = '0006'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('outages',
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('since', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('channel', name=op.f('pk_outages'))
    )
    op.create_table('code_tries',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('account', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_code_tries'))
    )
    with op.batch_alter_table('code_tries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_code_tries_at'), ['at'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('code_tries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_code_tries_at'))
    op.drop_table('code_tries')
    op.drop_table('outages')
