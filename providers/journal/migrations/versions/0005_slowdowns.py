"""The days a WhatsApp number was told to slow down: its gaps stay doubled until the day
ends, in every process on the journal.

Revision ID: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"


def upgrade() -> None:
    op.create_table(
        "slowdowns",
        sa.Column("scope", sa.Text, nullable=False),
        sa.Column("day", sa.Text, nullable=False),
        sa.Column("account", sa.Text, nullable=False),
        sa.Column("why", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("scope", "day"),
    )
