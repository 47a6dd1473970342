"""Scheduled 催报: a django-tasks task, enqueued once a day by
``manage.py reporting_round remind-due`` from cron (``db_worker`` runs it).

Rounds whose deadline is ``REPORTING_REMINDER_DAYS`` days away (default 3
and 0: three days before and on the day) remind every region that still owes
them; a region already reminded that day is skipped, so running it twice
sends nothing twice.
"""

import datetime

from django_tasks import task

from . import service


@task()
def send_due_reminders_job(day=None):
    today = datetime.date.fromisoformat(day) if day else None
    sent = service.send_due_reminders(today)
    return {str(k): v for k, v in sent.items()}
