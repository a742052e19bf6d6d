"""Alembic's entry: the migrations run on the connection the journal opened, inside its
transaction."""

from alembic import context

context.configure(connection=context.config.attributes["connection"], target_metadata=None)
with context.begin_transaction():
    context.run_migrations()
