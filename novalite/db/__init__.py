"""novalite's state: SQLAlchemy models, alembic migrations and the DB API.

Only the api, conductor and scheduler services import this package; compute
hosts persist through the conductor.
"""
