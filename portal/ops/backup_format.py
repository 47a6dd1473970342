"""The serialisation format of backups ("backup_json", SERIALIZATION_MODULES).

Django's JSON fixtures with two changes, so a restore gives back exactly the
rows that were saved:

- Foreign keys by natural key only to content types and permissions, the
  rows a fresh database numbers differently. Every other row keeps its
  primary key in a backup, so references to it are written as plain ids.
  Natural keys there would break on references without a database
  constraint that outlive their target (the log entries of a deleted page
  or user), and add nothing.
- Times keep their microseconds (Django's encoder cuts them to
  milliseconds, following ECMA-262).

The files are still plain JSON fixtures: ``loaddata`` reads them with
Django's own JSON deserializer.
"""

import datetime

from django.core.serializers.json import Deserializer, DjangoJSONEncoder
from django.core.serializers.json import Serializer as JsonSerializer

__all__ = ["Deserializer", "Serializer"]

# Rows whose ids differ between databases (created by migrate): referenced by natural key.
REKEYED_MODELS = {"contenttypes.contenttype", "auth.permission"}


class ExactJSONEncoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, datetime.datetime):
            text = o.isoformat()
            return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text
        if isinstance(o, datetime.time) and o.utcoffset() is None:
            return o.isoformat()
        return super().default(o)


class Serializer(JsonSerializer):
    def serialize(self, queryset, **options):
        options.setdefault("cls", ExactJSONEncoder)
        return super().serialize(queryset, **options)

    def _by_natural_key(self, field, handle, *args):
        wanted = self.use_natural_foreign_keys
        self.use_natural_foreign_keys = wanted and field.related_model._meta.label_lower in REKEYED_MODELS
        try:
            handle(*args)
        finally:
            self.use_natural_foreign_keys = wanted

    def handle_fk_field(self, obj, field):
        self._by_natural_key(field, super().handle_fk_field, obj, field)

    def handle_m2m_field(self, obj, field):
        self._by_natural_key(field, super().handle_m2m_field, obj, field)
