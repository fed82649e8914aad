"""The team database (users, sessions, audit log, questions, queue, feedback, push jobs, reviews)."""

from graph.db.engine import Database, close_all, database_url, open_database
from graph.db.errors import DatabaseError, DatabaseUnavailable, MigrationFailed

__all__ = [
    "Database",
    "DatabaseError",
    "DatabaseUnavailable",
    "MigrationFailed",
    "close_all",
    "database_url",
    "open_database",
]
