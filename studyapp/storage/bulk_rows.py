"""Inserting and updating many rows of one table in few statements, on SQLite and PostgreSQL.

SQLite takes the rows as an executemany (SQLAlchemy joins inserts into
multi-row statements; updates run one by one in the driver, which is fast
in-process). PostgreSQL takes a thousand rows as one JSON parameter that the
statement turns back into typed rows with ``json_to_recordset()``. The
alternatives measured slower for 10,000 concepts and their 30,000 cards
(benchmarks/README.md, "Deck import"): rows as placeholders, because psycopg
parses a statement of thousands of placeholders for every batch and sends
updates one by one; one array per column with ``unnest()``, because psycopg
escapes array elements one at a time in Python.

Every row of one call has the same columns, named as the table's columns.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    Row,
    Table,
    bindparam,
    column,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import JSON
from sqlalchemy.orm import Session

Values = Mapping[str, Any]


def insert_rows(
    session: Session,
    table: Table,
    rows: Sequence[Values],
    *,
    returning: Sequence[Column[Any]] = (),
) -> list[Row[Any]]:
    """Insert ``rows`` into ``table``; returns the ``returning`` columns of the new rows, in
    no particular order."""
    if not rows:
        return []
    statement = insert(table)
    parameters: list[Values] | None = list(rows)
    if _is_postgresql(session):
        names = list(rows[0])
        records = _recordset(table, names, rows)
        statement = statement.from_select(
            names, select(*(records.c[name] for name in names)), include_defaults=False
        )
        parameters = None
    if returning:
        return list(session.execute(statement.returning(*returning), parameters))
    session.execute(statement, parameters)
    return []


def update_rows(
    session: Session,
    table: Table,
    rows: Sequence[Values],
    *,
    also_set: Mapping[str, ColumnElement[Any] | None] | None = None,
) -> None:
    """Update rows of ``table`` by ``id``: each of ``rows`` holds an ``id`` and its new values.

    ``also_set`` adds the same SQL expression (or None for NULL) to every row.
    """
    if not rows:
        return
    extra = dict(also_set or {})
    if _is_postgresql(session):
        names = list(rows[0])
        records = _recordset(table, names, rows)
        values = {name: records.c[name] for name in names if name != "id"}
        session.execute(update(table).where(table.c.id == records.c.id).values(**values, **extra))
        return
    session.execute(
        update(table).where(table.c.id == bindparam("row_id")).values(**extra),
        [
            {("row_id" if name == "id" else name): value for name, value in row.items()}
            for row in rows
        ],
    )


def _is_postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _recordset(table: Table, names: Sequence[str], rows: Sequence[Values]) -> Any:
    """``json_to_recordset(:rows) AS anon(name type, ...)``: the rows as one JSON parameter."""
    columns = [column(name, table.c[name].type) for name in names]
    return (
        func.json_to_recordset(bindparam("rows", list(rows), type_=JSON))
        .table_valued(*columns)
        .render_derived(with_types=True)
    )
