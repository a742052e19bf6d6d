"""Staying off: the do-not-re-add register (keyed digests of addresses, and each person's
addresses sealed under a key of their own), the key the digests are made with, overrides,
sweeps, invite links revoked and erasures.

Revision ID: 0004
"""

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"

#: the register's key: 32 random bytes, made once with the tables
REGISTER_KEY_BYTES = 32


def _text(name: str) -> sa.Column[str]:
    return sa.Column(name, sa.Text, nullable=False, server_default="")


def upgrade() -> None:
    op.create_table(
        "secrets",
        sa.Column("name", sa.Text, primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.create_table(
        "suppressed",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("created_at", sa.Text, nullable=False),
        *(
            _text(name)
            for name in (
                "operator",
                "host",
                "reason",
                "job_id",
                "digests",
                "lifted_at",
                "lifted_by",
                "lifted_reason",
                "sealed",
                "key",
            )
        ),
    )
    op.create_table(
        "suppressed_digests",
        sa.Column("digest", sa.Text, nullable=False),
        sa.Column("entry", sa.Text, sa.ForeignKey("suppressed.id"), nullable=False),
        sa.PrimaryKeyConstraint("digest", "entry"),
    )
    op.create_table(
        "overrides",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.Column("job_id", sa.Text, nullable=False),
        sa.Column("entries", sa.Text, nullable=False),
        _text("reason"),
        _text("operator"),
    )
    op.create_table(
        "sweeps",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("created_at", sa.Text, nullable=False),
        _text("operator"),
        _text("host"),
        sa.Column("people", sa.Integer, nullable=False),
        sa.Column("found", sa.Text, nullable=False),
        sa.Column("unsearched", sa.Text, nullable=False),
        sa.Column("calls", sa.Integer, nullable=False),
    )
    op.create_table(
        "invites",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("job_id", sa.Text, nullable=False),
        sa.Column("container", sa.Text, nullable=False),
        sa.Column("asked_at", sa.Text, nullable=False),
        _text("state"),
        _text("done_at"),
        _text("said"),
    )
    op.create_table(
        "erasures",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("created_at", sa.Text, nullable=False),
        _text("reason"),
        _text("operator"),
        _text("host"),
        sa.Column("counts", sa.Text, nullable=False),
        sa.Column("files", sa.Text, nullable=False),
        _text("finished_at"),
    )
    op.get_bind().execute(
        sa.text("INSERT INTO secrets (name, value) VALUES ('register', :key)"),
        {"key": secrets.token_hex(REGISTER_KEY_BYTES)},
    )
