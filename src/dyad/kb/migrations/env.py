"""Alembic environment of the knowledge base.

dyad runs the migrations itself when it opens a database (:func:`dyad.kb.store.migrate`), passing
its connection in ``config.attributes["connection"]``. Developers can also run Alembic by hand:
``alembic -c src/dyad/kb/migrations/alembic.ini -x db=sqlite:///dyad.db upgrade head``.
"""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy import create_engine, pool
from sqlalchemy.engine import Connection

from dyad.kb.schema import Base

config = context.config
target_metadata = Base.metadata


def _url() -> str:
    from dyad.kb.store import normalise_url

    return normalise_url(
        context.get_x_argument(as_dictionary=True).get("db")
        or config.get_main_option("sqlalchemy.url")
        or os.environ.get("DYAD_DB")
        or "sqlite:///dyad.db"
    )


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_offline() -> None:
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = create_engine(_url(), poolclass=pool.NullPool)
    with engine.begin() as conn:
        _run(conn)


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
