"""The PostgreSQL backend: its pool, dialect, named SQL and migrations."""

from bot.store.postgres.database import (
    PostgresDatabase,
    open_postgres_store,
    postgres_statements,
)

__all__ = ["PostgresDatabase", "open_postgres_store", "postgres_statements"]
