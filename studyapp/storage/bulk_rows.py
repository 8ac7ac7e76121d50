"""Inserting and updating many rows of one table in few statements, on SQLite and PostgreSQL.

SQLite takes the rows as the driver's executemany (plain tuples for inserts;
updates run one by one in the driver, which is fast in-process). PostgreSQL
takes a thousand rows as one JSON parameter that the
statement turns back into typed rows with ``json_to_recordset()``. The
alternatives measured slower for 10,000 concepts and their 30,000 cards
(benchmarks/README.md, "Deck import"): rows as placeholders, because psycopg
parses a statement of thousands of placeholders for every batch and sends
updates one by one; one array per column with ``unnest()``, because psycopg
escapes array elements one at a time in Python.

Every row of one call has the same columns, named as the table's columns; times
are timezone-aware datetimes, as everywhere.
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

from studyapp.storage.db import UTCDateTime

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
    elif not returning:
        _sqlite_executemany(session, table, rows)
        return []
    if returning:
        return list(session.execute(statement.returning(*returning), parameters))
    session.execute(statement, parameters)
    return []


def _sqlite_executemany(session: Session, table: Table, rows: Sequence[Values]) -> None:
    """The driver's executemany of plain tuples: each value goes through its column's bind
    processor (the UTC type's, SQLite's text form of times) and nothing else, where
    SQLAlchemy's own executemany builds a parameter dictionary per row (3x the time)."""
    connection = session.connection()
    names = list(rows[0])
    compiled = insert(table).compile(dialect=connection.dialect, column_keys=names)
    order = list(compiled.positiontup or names)
    processors = [
        table.c[name].type.dialect_impl(connection.dialect).bind_processor(connection.dialect)
        for name in order
    ]
    if all(processor is None for processor in processors):
        tuples = [tuple(row[name] for name in order) for row in rows]
    else:
        tuples = [
            tuple(
                row[name] if processor is None else processor(row[name])
                for name, processor in zip(order, processors, strict=True)
            )
            for row in rows
        ]
    connection.exec_driver_sql(str(compiled), tuples)


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
    moments = [name for name in names if isinstance(table.c[name].type, UTCDateTime)]
    if moments:
        # JSON has no datetimes: ISO 8601 text, which the recordset reads back as timestamptz.
        rows = [
            {
                **row,
                **{name: row[name].isoformat() for name in moments if row[name] is not None},
            }
            for row in rows
        ]
    return (
        func.json_to_recordset(bindparam("rows", list(rows), type_=JSON))
        .table_valued(*columns)
        .render_derived(with_types=True)
    )
