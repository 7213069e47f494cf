"""The PostgreSQL engine: one database on a server shared by several desks (psycopg 3, imported
only here). See :mod:`tracker.store.postgres.backend`."""
