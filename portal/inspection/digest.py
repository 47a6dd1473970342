"""The weekly digest: each staff member's open items, by e-mail.

Sent to every active member of the portal's staff groups (省/市/县级管理员,
编辑) with an e-mail address, each with their own report (the same
``build_report`` as the admin, so the same regions and pages). Nobody with
nothing open gets a mail. Run weekly: ``manage.py send_inspection_digest``
from cron, which hands the work to the background worker (``jobs.py``).
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from portal.registry.groups import CITY_ADMINS, COUNTY_ADMINS, EDITORS, PROVINCE_ADMINS

from .indicators import build_report

STAFF_GROUPS = (PROVINCE_ADMINS, CITY_ADMINS, COUNTY_ADMINS, EDITORS)


def recipients():
    return (get_user_model().objects.filter(is_active=True, groups__name__in=STAFF_GROUPS)
            .exclude(email="").distinct().order_by("pk"))


def absolute(path):
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def compose(user, report):
    context = {
        "user": user, "report": report, "today": timezone.localdate(),
        "report_url": absolute(reverse("inspection_report")),
        "site_name": getattr(settings, "WAGTAIL_SITE_NAME", ""),
        "sections": [
            (section, [(item, absolute(item.fix_url)) for item in section.items])
            for section in report.sections if section.items
        ],
    }
    flag = "（含单项否决项）" if report.vetoed else ""
    subject = f"【网站自查】本周有 {report.total} 项待处理{flag}"
    message = EmailMultiAlternatives(
        subject, render_to_string("inspection/digest.txt", context),
        settings.DEFAULT_FROM_EMAIL, [user.email],
    )
    message.attach_alternative(render_to_string("inspection/digest.html", context), "text/html")
    return message


def send_digest():
    """Mail every recipient their open items; returns how many mails were sent."""
    messages = []
    for user in recipients():
        report = build_report(user)
        if report.total:
            messages.append(compose(user, report))
    if messages:
        get_connection().send_messages(messages)
    return len(messages)
