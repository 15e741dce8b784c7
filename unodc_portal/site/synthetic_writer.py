"""Writing many rows fast, for synthetic data (``seed_scale``): COPY on PostgreSQL, one
``executemany`` elsewhere, with the primary keys taken from the table's own sequence first so
that the caller knows them (a million participations point at the participants just written).

``bulk_create`` spends most of its time preparing each value of each row; here the values are
the instances' own attributes, already in the form the column holds (the caller fills derived
fields and defaults as a save would). A historical model's "created" row repeats the record's
values with the history columns.
"""

from __future__ import annotations

import io
import json

from django.db import connection, models


def reserve_ids(model, count: int) -> list[int]:
    """``count`` primary keys for new rows of ``model``, from its sequence (PostgreSQL) or
    after the largest one (SQLite, inside the caller's transaction)."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) "
                           "FROM generate_series(1, %s)", [table, count])
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')
        start = cursor.fetchone()[0] + 1
        return list(range(start, start + count))


def _copy_text(value) -> str:
    if value is None:
        return "\\N"
    if value is True or value is False:
        return "t" if value else "f"
    text = str(value)
    if any(ch in text for ch in "\\\t\n\r"):
        text = (text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
                .replace("\r", "\\r"))
    return text


def insert(table: str, columns: list[str], rows: list[tuple]):
    """Insert rows (tuples in the order of ``columns``) into ``table``."""
    if not rows:
        return
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            buffer = io.StringIO()
            for row in rows:
                buffer.write("\t".join(_copy_text(v) for v in row))
                buffer.write("\n")
            buffer.seek(0)
            cursor.cursor.copy_expert(f"COPY {connection.ops.quote_name(table)} ({names}) "
                                      "FROM STDIN", buffer)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(
                f"INSERT INTO {connection.ops.quote_name(table)} ({names}) VALUES ({marks})",
                rows)


def _columns(model):
    """(column, reader) for each concrete field; datetimes adapted for the database, JSON
    written as its text."""
    found = []
    for field in model._meta.concrete_fields:
        if isinstance(field, models.DateTimeField):
            def read(obj, field=field):
                return field.get_db_prep_save(getattr(obj, field.attname), connection)
        elif isinstance(field, models.JSONField):
            def read(obj, field=field):
                return json.dumps(getattr(obj, field.attname), cls=field.encoder)
        else:
            def read(obj, attname=field.attname):
                return getattr(obj, attname)
        found.append((field.column, read))
    return found


def write(model, objs: list, *, history_date=None, reason: str = ""):
    """Insert ``objs`` (new instances of ``model``), giving each its primary key; with
    ``history_date``, also each one's "created" history row (simple-history)."""
    for obj, pk in zip(objs, reserve_ids(model, len(objs)), strict=True):
        obj.pk = pk
        for field in model._meta.concrete_fields:
            if getattr(field, "auto_now_add", False) and getattr(obj, field.attname) is None:
                setattr(obj, field.attname, history_date)
    columns = _columns(model)
    insert(model._meta.db_table, [c for c, _ in columns],
           [tuple(read(obj) for _, read in columns) for obj in objs])
    if history_date is None:
        return objs
    historical = model.history.model
    when = models.DateTimeField().get_db_prep_save(history_date, connection)
    extra = {"history_date": when, "history_change_reason": reason,
             "history_type": "+", "history_user_id": None}
    own = dict(columns)
    names, readers = [], []
    for field in historical._meta.concrete_fields:
        if field.name == "history_id":
            continue
        names.append(field.column)
        if field.column in extra:
            readers.append(lambda obj, value=extra[field.column]: value)
        else:
            readers.append(own[field.column])
    insert(historical._meta.db_table, names,
           [tuple(read(obj) for read in readers) for obj in objs])
    return objs
