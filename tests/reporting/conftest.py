"""Accounts on every level and a fresh round (2027 上半年) beside the demo's."""

import datetime

import pytest
from django.test import Client

from portal.registry.groups import CITY_ADMINS, COUNTY_ADMINS, PROVINCE_ADMINS
from portal.registry.models import Region
from portal.reporting import service
from portal.reporting.models import Collect

YEAR, HALF = 2027, "H1"
DEADLINE = datetime.date(2027, 7, 10)

ACCOUNTS = {
    # name: (group, region code)
    "tiedong": (COUNTY_ADMINS, "210302"),
    "lishan": (COUNTY_ADMINS, "210304"),
    "anshan": (CITY_ADMINS, "210300"),
    "dalian": (CITY_ADMINS, "210200"),
    "liaoning": (PROVINCE_ADMINS, "210000"),
}


@pytest.fixture
def staff(reporting_demo, make_staff):
    users = {}
    for name, (group, code) in ACCOUNTS.items():
        user = make_staff(name, group, code)
        user.email = f"{name}@example.com"
        user.save()
        users[name] = user
    return users


@pytest.fixture
def as_user(staff):
    """as_user("tiedong") → a test client logged in as that account."""
    clients = {}

    def get(name):
        if name not in clients:
            clients[name] = Client()
            clients[name].force_login(staff[name])
        return clients[name]

    return get


@pytest.fixture
def anshan(demo_data):
    return Region.objects.get(code="210300")


@pytest.fixture
def city_round(staff, anshan, mailoutbox):
    """鞍山's 2027 上半年 round, opened by the city through the service (mail outbox emptied)."""
    reporting_round = service.open_round(anshan, YEAR, HALF, DEADLINE, user=staff["anshan"],
                                         opens_on=datetime.date(2026, 1, 1),
                                         collects=[Collect.INSTITUTIONS, Collect.COUNTY_REPORT])
    mailoutbox.clear()
    return reporting_round


def figures(registered=210, standard=150, offers=True, townships=None):
    """The county figures form's POST data."""
    data = {"figures-registered_clients": str(registered), "figures-standard_service_clients": str(standard)}
    if offers:
        data["figures-offers_service"] = "on"
    if townships:
        data["figures-townships_total"], data["figures-townships_with_service"] = map(str, townships)
    return data


def submission_of(reporting_round, code):
    return reporting_round.submissions.select_related("region").get(region__code=code)


def refused(response):
    """403, or Wagtail's answer to PermissionDenied: back to the dashboard with a message."""
    return response.status_code == 403 or (response.status_code == 302 and response["Location"] == "/admin/")
