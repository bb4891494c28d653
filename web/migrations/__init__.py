"""Alembic migrations of the s4c database (run with `web.wiring.db.upgrade`)."""
