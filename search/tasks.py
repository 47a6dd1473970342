"""Index updates too large for the request that caused them (django-tasks)."""

from django_tasks import task

from . import indexing


@task()
def index_institutions_task(pks):
    indexing.index_institutions(pks)
