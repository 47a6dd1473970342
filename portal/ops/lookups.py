"""``__in`` on integer fields with values the database cannot hold.

Django skips an out-of-range integer in ``exact``, ``gt``, ``lt``… (the
match is simply empty) but passes it on in ``in``, where SQLite raises
OverflowError and PostgreSQL "out of range": a 500 from any form or filter
given a huge id (Wagtail's admin filters, ModelMultipleChoiceField). The
same rule for ``in``: values out of range match nothing.
"""

from django.db.models import IntegerField
from django.db.models.lookups import In


@IntegerField.register_lookup
class IntegerFieldIn(In):
    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(self.lhs.output_field.get_internal_type())
            self.rhs = [
                value for value in self.rhs
                if not isinstance(value, int) or ((low is None or value >= low) and (high is None or value <= high))
            ]
        return super().process_rhs(compiler, connection)
