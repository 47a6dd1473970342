"""Background work of the self-inspection (django-tasks; ``db_worker`` in production)."""

from django_tasks import task

from .digest import send_digest


@task()
def send_digest_task():
    """The weekly digest; returns how many mails were sent."""
    return send_digest()
