"""SQLAlchemy models, migrations and repositories returning plain domain objects."""
