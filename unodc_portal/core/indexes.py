"""An index for a default order with ``NULLS LAST`` (newest first, undated rows at the end), as
the events', seizures' and contributions' ``Meta.ordering`` say."""

from django.db import models
from django.db.models.expressions import OrderBy


class NullsLastIndex(models.Index):
    """``models.Index`` whose ``F(...).desc(nulls_last=True)`` parts are written ``DESC NULLS
    LAST`` on PostgreSQL, so that the planner reads an ``ORDER BY … DESC NULLS LAST … LIMIT``
    from the index. SQLite refuses ``NULLS LAST`` in an index, and needs none: NULL sorts lowest
    there, so plain ``DESC`` already puts it last."""

    def create_sql(self, model, schema_editor, using="", **kwargs):
        index = self
        if schema_editor.connection.vendor != "postgresql":
            index = self.clone()
            index.expressions = tuple(
                OrderBy(part.expression, descending=part.descending)
                if isinstance(part, OrderBy) else part
                for part in self.expressions
            )
        return super(NullsLastIndex, index).create_sql(model, schema_editor, using, **kwargs)
