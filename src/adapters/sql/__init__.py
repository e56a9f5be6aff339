"""SQL storage on SQLAlchemy 2: the schema with its idempotent migration, and the expert repository."""
