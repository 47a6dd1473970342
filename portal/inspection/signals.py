"""Keep links to deleted pages and documents visible to the report.

When a page or document is deleted, Wagtail drops every reference *to* it
from its reference index, although the pages that linked to it still carry
the dead link. Re-indexing those pages once the deletion is committed records
their rich-text links again, now pointing at an id that no longer exists,
which the 链接不可用 indicator reports as missing. (A chooser block whose page
is gone holds nothing any more, so Wagtail indexes nothing for it.)
"""

from functools import partial

from django.apps import apps
from django.db import transaction
from django.db.models.signals import pre_delete
from django.dispatch import receiver
from wagtail.documents import get_document_model
from wagtail.models import Page, ReferenceIndex
from wagtail.tasks import update_reference_index_task


def _linking_objects(instance):
    sources = set()
    for ref in ReferenceIndex.get_references_to(instance).select_related("content_type"):
        model = ref.content_type.model_class()
        if model is not None and ref.object_id != str(instance.pk):
            sources.add((model._meta.label, ref.object_id))
    return sources


def _reindex(sources):
    for label, pk in sources:
        model = apps.get_model(label)
        # A linking page deleted in the same transaction (a whole subtree) is gone.
        if model._default_manager.filter(pk=pk).exists():
            update_reference_index_task.enqueue(model._meta.app_label, model._meta.model_name, pk)


@receiver(pre_delete, dispatch_uid="inspection.remember_linking_objects")
def remember_linking_objects(sender, instance, **kwargs):
    # Page subclasses are deleted with their Page row, which sends this with sender=Page.
    if sender is not Page and sender is not get_document_model():
        return
    sources = _linking_objects(instance)
    if sources:
        transaction.on_commit(partial(_reindex, sources))
