"""A team on one journal: members found across jobs by their id (two jobs on one place never
send the same member twice), and one row a WhatsApp number holding when its next write may
leave, whichever process sends it.

Revision ID: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"


def upgrade() -> None:
    op.create_index("items_by_member", "items", ["member_id"])
    op.create_table(
        "paces",
        sa.Column("scope", sa.Text, primary_key=True),
        sa.Column("not_before", sa.Float, nullable=False),
        sa.Column("holder", sa.Text, nullable=False, server_default=""),
    )
