"""Alembic's entry point: always run on a connection that ``datastore.migrations`` passes in
(no alembic.ini, no URL of its own)."""

from alembic import context

from datastore import db

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=db.metadata,
                  render_as_batch=True, compare_type=True)
with context.begin_transaction():
    context.run_migrations()
