"""licence register: the facility a licence belongs to, the licence it replaces, imported licences,
and the folded text the look-up searches

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 13:00:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

from storage.text import fold


# revision identifiers, used by Alembic.
revision: str = '0006'
down_revision: Union[str, Sequence[str], None] = '0005'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('licences', schema=None) as batch_op:
        batch_op.add_column(sa.Column('facility_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True))
        batch_op.add_column(sa.Column('replaces_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True))
        batch_op.add_column(sa.Column('imported', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('search_folded', sa.Text(), server_default='', nullable=False))
        batch_op.create_index(batch_op.f('ix_licences_facility_id'), ['facility_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_licences_replaces_id'), ['replaces_id'], unique=False)
        batch_op.create_index('ix_licences_updated_at', ['updated_at'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_licences_facility_id_facilities'), 'facilities', ['facility_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_licences_replaces_id_licences'), 'licences', ['replaces_id'], ['id'], ondelete='SET NULL')
    # licences recorded before this migration: their search text
    licences = sa.table('licences', sa.column('id', sa.Integer), sa.column('number', sa.String),
                        sa.column('holder', sa.String), sa.column('facility', sa.String),
                        sa.column('search_folded', sa.Text))
    connection = op.get_bind()
    for row in connection.execute(sa.select(licences.c.id, licences.c.number, licences.c.holder, licences.c.facility)).all():
        folded = fold(f"{row.number} {row.holder} {row.facility}")
        connection.execute(licences.update().where(licences.c.id == row.id).values(search_folded=folded))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('licences', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_licences_replaces_id_licences'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_licences_facility_id_facilities'), type_='foreignkey')
        batch_op.drop_index('ix_licences_updated_at')
        batch_op.drop_index(batch_op.f('ix_licences_replaces_id'))
        batch_op.drop_index(batch_op.f('ix_licences_facility_id'))
        batch_op.drop_column('search_folded')
        batch_op.drop_column('imported')
        batch_op.drop_column('replaces_id')
        batch_op.drop_column('facility_id')
