"""The anonymous page cache: served from the cache, emptied on publish."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.pages.models import OutreachPage
from portal.registry.models import Institution

pytestmark = pytest.mark.django_db


def queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    return response, len(ctx.captured_queries)


def test_second_visit_is_served_from_the_cache(site_demo, client):
    first, cold = queries(client, "/xuanchuan/")
    second, warm = queries(client, "/xuanchuan/")
    assert cold > 0 and warm == 0
    assert first.content == second.content


def test_publishing_a_page_empties_the_cache(site_demo, client):
    page = OutreachPage.objects.get(slug="fanqishi")
    client.get("/xuanchuan/")
    page.title = "消除偏见：新标题"
    page.save_revision().publish()
    assert "消除偏见：新标题" in client.get("/xuanchuan/").content.decode()


def test_saving_a_registry_record_empties_the_cache(site_demo, client):
    client.get("/jigou/")
    inst = Institution.objects.published().first()
    inst.is_published = False
    inst.save()
    assert inst.name not in client.get("/jigou/?region=210300").content.decode()


def test_elder_mode_and_forms_are_not_mixed_up(site_demo, client):
    client.get("/zhengce/")
    client.cookies["elder"] = "1"
    assert 'class="elder ' in client.get("/zhengce/").content.decode()
    # The supervision page carries a CSRF token: never cached.
    client.get("/jiandu/")
    _, warm = queries(client, "/jiandu/")
    assert warm > 0


def test_signed_in_users_are_never_served_cached_pages(site_demo, client, superuser):
    client.get("/xuanchuan/")
    client.force_login(superuser)
    _, count = queries(client, "/xuanchuan/")
    assert count > 0
