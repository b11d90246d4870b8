"""web sessions: one-time sign-in links from /web (web_sign_ins) and signed-in browsers (web_sessions)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 16:00:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0010'
down_revision: Union[str, Sequence[str], None] = '0009'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('web_sign_ins',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('staff_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_web_sign_ins_staff_id_staff'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_web_sign_ins')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_web_sign_ins_token_hash'))
    )
    with op.batch_alter_table('web_sign_ins', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_web_sign_ins_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_web_sign_ins_staff_id'), ['staff_id'], unique=False)
    op.create_table('web_sessions',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('staff_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_web_sessions_staff_id_staff'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_web_sessions')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_web_sessions_token_hash'))
    )
    with op.batch_alter_table('web_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_web_sessions_last_seen_at'), ['last_seen_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_web_sessions_staff_id'), ['staff_id'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('web_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_web_sessions_staff_id'))
        batch_op.drop_index(batch_op.f('ix_web_sessions_last_seen_at'))
    op.drop_table('web_sessions')
    with op.batch_alter_table('web_sign_ins', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_web_sign_ins_staff_id'))
        batch_op.drop_index(batch_op.f('ix_web_sign_ins_expires_at'))
    op.drop_table('web_sign_ins')
