"""Many rows into a table at driver speed, for the caseload import.

SQLAlchemy's executemany builds a parameter dict per row and runs each value
through its type machinery; at a million requests that was a third of the
import. A ``RowShape`` instead converts a row once into what the driver takes
(the same conversion SQLAlchemy applies: ISO text for dates on SQLite, JSON
text for payloads), remembering each distinct value (an import has a few
thousand distinct dates and payloads among millions of cells). Shapes are made
in whichever process prepares the rows; ``insert_rows`` writes them with the
driver's executemany, or COPY on PostgreSQL.
"""

from __future__ import annotations

import json
from typing import Any, Callable, Iterable, Sequence

from sqlalchemy import JSON, Connection, Table
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import IntegrityError

MEMO_LIMIT = 100_000  # distinct values remembered per column; beyond it, new ones are converted each time


class RowShape:
    """The driver's values for ``columns`` of ``table``, from Python values in that order."""

    def __init__(self, dialect: Dialect, table: Table, columns: Sequence[str]) -> None:
        self.table_name, self.columns = table.name, tuple(columns)
        converters = (_converter(dialect, table.c[name].type) for name in columns)
        self._converted = [(index, _remembered(convert)) for index, convert in enumerate(converters) if convert]

    def values(self, row: Sequence[Any]) -> tuple:
        values = list(row)
        for index, convert in self._converted:
            if values[index] is not None:
                values[index] = convert(values[index])
        return tuple(values)


def insert_rows(connection: Connection, shape: RowShape, rows: Iterable[tuple]) -> int:
    """Write rows already in ``shape``'s driver values; returns how many."""
    rows = list(rows)
    if not rows:
        return 0  # an executemany of no rows is an error on some drivers
    names = ", ".join(shape.columns)
    if connection.dialect.name == "postgresql":  # COPY: several times faster than psycopg's executemany
        statement = f"COPY {shape.table_name} ({names}) FROM STDIN"
        try:
            with connection.connection.cursor() as cursor:
                with cursor.copy(statement) as copy:
                    for row in rows:
                        copy.write_row(row)
        except connection.dialect.dbapi.IntegrityError as error:
            # The driver's own cursor bypasses SQLAlchemy's wrapping; callers catch IntegrityError on either database.
            raise IntegrityError(statement, None, error) from error
        return len(rows)
    marks = ", ".join(["?" if connection.dialect.paramstyle == "qmark" else "%s"] * len(shape.columns))
    connection.exec_driver_sql(f"INSERT INTO {shape.table_name} ({names}) VALUES ({marks})", rows)
    return len(rows)


def _converter(dialect: Dialect, column_type) -> Callable[[Any], Any] | None:
    if dialect.name == "postgresql" and isinstance(column_type, JSON):
        return json.dumps  # COPY takes the text; SQLAlchemy's Json() wrapper is for bound parameters
    return column_type._cached_bind_processor(dialect)


def _remembered(convert: Callable[[Any], Any]) -> Callable[[Any], Any]:
    seen: dict = {}

    def converted(value: Any) -> Any:
        key = (dict, tuple(value.items())) if isinstance(value, dict) else value
        try:
            return seen[key]
        except KeyError:
            result = convert(value)
            if len(seen) < MEMO_LIMIT:
                seen[key] = result
            return result
        except TypeError:  # unhashable (a nested list in a payload)
            return convert(value)

    return converted
