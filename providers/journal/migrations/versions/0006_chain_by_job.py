"""A job's events found without reading the whole chain: a dry run's counts (it keeps no
member) and a job's story are read by its id.

Revision ID: 0006
"""

from alembic import op

revision = "0006"
down_revision = "0005"


def upgrade() -> None:
    op.create_index("chain_by_job", "chain", ["job_id", "kind"])
