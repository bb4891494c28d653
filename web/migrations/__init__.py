"""Alembic migrations of the s4c database (run with `web.db.upgrade`)."""
