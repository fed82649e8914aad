"""Alembic environment: the engine comes from `graph.db.migrate`, never from an ini file."""

from __future__ import annotations

from alembic import context

from graph.db.schema import metadata

engine = context.config.attributes["engine"]
with engine.connect() as connection:
    connection.info["write"] = True  # SQLite: BEGIN IMMEDIATE, so two starting workers migrate in turn
    context.configure(
        connection=connection, target_metadata=metadata, render_as_batch=True, compare_type=True
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
