"""Signals of the registry that Django does not send by itself."""

from django.dispatch import Signal

# Sent inside the transaction after rows were written in bulk, which sends no
# post_save: ``sender`` is the model, ``keys`` the natural keys of the rows
# inserted or updated ((county_id, name) for institutions), or None when the
# layout has none. Deletes go through the ORM and send post_delete as usual.
bulk_written = Signal()
