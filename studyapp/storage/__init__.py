"""The database: engine and sessions (db), the schema (models), Alembic, bulk writes (bulk_rows).
May import only clock and config: everything else in studyapp stands on it."""
