"""The store: SQLAlchemy over SQLite or PostgreSQL, database URLs, a person's data and its erasure."""
