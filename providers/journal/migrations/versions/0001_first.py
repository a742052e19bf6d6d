"""The journal as it was before migrations: jobs, items, steps, a chain of one event a
step, runners and everywhere jobs.

Revision ID: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None


def _text(name: str) -> sa.Column[str]:
    return sa.Column(name, sa.Text, nullable=False, server_default="")


def upgrade() -> None:
    op.create_table(
        "jobs",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.Column("user", sa.Text, nullable=False),
        sa.Column("account", sa.Text, nullable=False),
        sa.Column("provider", sa.Text, nullable=False),
        sa.Column("container", sa.Text, nullable=False),
        sa.Column("operation", sa.Text, nullable=False),
        sa.Column("dry_run", sa.Integer, nullable=False),
        sa.Column("undo_of", sa.Text),
        sa.Column("state", sa.Text, nullable=False),
        *(_text(name) for name in ("note", "reason", "operator", "host", "version", "part_of")),
    )
    op.create_table(
        "items",
        sa.Column("job_id", sa.Text, sa.ForeignKey("jobs.id"), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("member_id", sa.Text, nullable=False),
        sa.Column("member", sa.Text, nullable=False),
        sa.Column("state", sa.Text, nullable=False),
        sa.Column("batch", sa.Integer),
        _text("code"),
        _text("message"),
        sa.Column("updated_at", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("job_id", "member_id"),
    )
    op.create_index("items_by_state", "items", ["job_id", "state"])
    op.create_table(
        "steps",
        sa.Column("job_id", sa.Text, sa.ForeignKey("jobs.id"), nullable=False),
        sa.Column("member_id", sa.Text, nullable=False),
        sa.Column("at", sa.Text, nullable=False),
        sa.Column("state", sa.Text, nullable=False),
        _text("code"),
        _text("message"),
    )
    op.create_index("steps_by_member", "steps", ["job_id", "member_id"])
    op.create_table(
        "chain",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("job_id", sa.Text, nullable=False),
        sa.Column("at", sa.Text, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("hash", sa.Text, nullable=False),
    )
    op.create_table(
        "runners",
        sa.Column("job_id", sa.Text, sa.ForeignKey("jobs.id"), primary_key=True),
        sa.Column("pid", sa.Integer, nullable=False),
        sa.Column("host", sa.Text, nullable=False),
        sa.Column("started_at", sa.Text, nullable=False),
        sa.Column("heartbeat", sa.Float, nullable=False),
    )
    op.create_table(
        "everywhere",
        sa.Column("id", sa.Text, primary_key=True),
        *(sa.Column(name, sa.Text, nullable=False) for name in ("created_at", "addresses")),
        sa.Column("dry_run", sa.Integer, nullable=False),
        *(
            sa.Column(name, sa.Text, nullable=False)
            for name in ("reason", "user", "operator", "host", "version", "unsearched")
        ),
    )
