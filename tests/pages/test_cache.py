"""The anonymous page cache: served from the cache, refreshed by topic (portal/pages/cache.py)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.pages import cache as page_cache
from portal.pages.models import CasePage, OutreachPage, PolicyPage
from portal.registry.models import ImportRecord, Institution, Region

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


def test_saving_a_registry_record_refreshes_the_directory(site_demo, client):
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


def warm(client, *urls):
    """Visit each URL twice; the second visit must come from the cache (no query)."""
    for url in urls:
        client.get(url)
        response, count = queries(client, url)
        assert response.status_code == 200 and count == 0, url
    return {url: client.get(url).content for url in urls}


def with_institution(case):
    """The case, published again naming an institution of its region."""
    case.institution = Institution.objects.published().within(case.region).first()
    assert case.institution is not None
    case.save_revision().publish()
    return CasePage.objects.get(pk=case.pk)


def other_institution(*pages):
    """A published institution none of ``pages`` names."""
    named = {p.institution_id for p in pages if getattr(p, "institution_id", None)}
    return Institution.objects.published().exclude(pk__in=named).first()


def test_saving_an_institution_leaves_policy_and_case_pages_cached(site_demo, client):
    policy = PolicyPage.objects.live().first()
    case = with_institution(CasePage.objects.live().first())
    inst = other_institution(case)
    detail = f"/jigou/{inst.pk}/"
    before = warm(client, policy.url, case.url, "/anli/", "/xuanchuan/", "/jigou/", detail)
    inst.name = "铁东区新名字康复驿站"
    inst.save()
    for url in (policy.url, case.url, "/xuanchuan/"):
        response, count = queries(client, url)
        assert count == 0 and response.content == before[url], url
    # The directory and the institution's own page are rendered again and show the change.
    for url in ("/jigou/", detail):
        response, count = queries(client, url)
        assert count > 0 and "铁东区新名字康复驿站" in response.content.decode(), url


def test_saving_the_institution_a_case_names_refreshes_that_case(site_demo, client):
    case = with_institution(CasePage.objects.live().first())
    warm(client, case.url, "/anli/")
    case.institution.name = "案例机构新名字"
    case.institution.save()
    for url in (case.url, "/anli/"):
        response, count = queries(client, url)
        assert count > 0 and "案例机构新名字" in response.content.decode(), url


def test_publishing_a_page_refreshes_the_pages_that_list_it(site_demo, client):
    case = CasePage.objects.live().order_by("-first_published_at").first()
    warm(client, "/", "/anli/", case.url)
    case.title = "案例的新标题"
    case.save_revision().publish()
    for url in ("/", "/anli/", case.url):
        response, count = queries(client, url)
        assert count > 0 and "案例的新标题" in response.content.decode(), url


def test_a_draft_or_an_autosave_changes_nothing_cached(site_demo, client):
    case = CasePage.objects.live().first()
    before = warm(client, case.url, "/anli/")
    case.title = "草稿标题"
    case.save_revision()  # a draft: the public still sees the published title
    for url in (case.url, "/anli/"):
        response, count = queries(client, url)
        assert count == 0 and response.content == before[url]


def test_records_the_public_pages_do_not_show_invalidate_nothing(site_demo, client):
    from django.db.models.signals import post_delete, post_save
    from wagtail.models import ModelLogEntry, PageLogEntry, Revision

    from portal.audit.models import RegionLogEntry
    from portal.inspection.models import ExternalLink, LinkCheckRun
    from portal.reporting.models import Submission, SubmittedInstitution, SubmittedReport
    from portal.supervision.models import MessageCallback, MessageRating, SupervisionMessage

    urls = ("/", "/jigou/", "/anli/", "/jinzhan/", "/lianxi/")
    before = warm(client, *urls)
    stamp = page_cache.generations(page_cache.ALL_TOPICS)
    # A real save of a public message (the supervision page itself is never cached) …
    SupervisionMessage.objects.first().save()
    # … and the signals every other back-office record sends when saved or deleted.
    for model in (MessageRating, MessageCallback, Submission, SubmittedInstitution, SubmittedReport, LinkCheckRun,
                  ExternalLink, ImportRecord, RegionLogEntry, Revision, ModelLogEntry, PageLogEntry):
        post_save.send(sender=model, instance=model(), created=True)
        post_delete.send(sender=model, instance=model())
    assert page_cache.generations(page_cache.ALL_TOPICS) == stamp
    for url in urls:
        response, count = queries(client, url)
        assert count == 0 and response.content == before[url], url


def test_the_records_the_public_pages_show_still_invalidate(site_demo):
    from portal.prices.models import PriceItem
    from portal.registry.models import Task, Target
    from portal.supervision.models import Hotline

    for model, topic in ((Institution, page_cache.INSTITUTIONS), (PriceItem, page_cache.PRICES),
                         (Task, page_cache.TASKS), (Target, page_cache.PROGRESS), (Hotline, page_cache.SUPERVISION)):
        before = page_cache.generations([topic, page_cache.PAGES])
        model.objects.first().save()
        after = page_cache.generations([topic, page_cache.PAGES])
        assert after[topic] > before[topic], model
        assert after[page_cache.PAGES] == before[page_cache.PAGES], model


def test_approving_figures_refreshes_the_progress_pages_only(site_demo, client):
    from portal.reporting.models import Submission, SubmissionStatus

    warm(client, "/jinzhan/", "/zhengce/")
    approved = Submission.objects.filter(status=SubmissionStatus.APPROVED).first()
    approved.save()
    assert queries(client, "/jinzhan/")[1] > 0
    assert queries(client, "/zhengce/")[1] == 0


def test_a_region_change_refreshes_everything(site_demo, client):
    warm(client, "/zhengce/", "/jigou/")
    region = Region.objects.get(code="210302")
    region.save()
    assert queries(client, "/zhengce/")[1] > 0
    assert queries(client, "/jigou/")[1] > 0


def test_an_evicted_counter_never_serves_an_old_entry(site_demo, client):
    from django.core.cache import cache

    warm(client, "/zhengce/")
    cache.delete(page_cache._key(page_cache.PAGES))
    assert queries(client, "/zhengce/")[1] > 0


def test_fragments_stay_warm_when_another_topic_changes(site_demo, client):
    """Publishing a page misses the page cache, but the progress charts and the task table
    (keyed on their own topics) come from the fragment cache."""
    cold = {url: queries(client, url)[1] for url in ("/jinzhan/", "/lianxi/")}
    client.get("/")
    case = CasePage.objects.live().first()
    case.title = "又一个新标题"
    case.save_revision().publish()
    for url, count in cold.items():
        response, warm_count = queries(client, url)
        assert response.status_code == 200 and 0 < warm_count < count, (url, warm_count, count)
    # The home page's lists depend on pages: they show the new title.
    assert "又一个新标题" in client.get("/").content.decode()


def test_signed_in_users_and_previews_never_get_fragments(site_demo, client, superuser, rf):
    from django.contrib.auth.models import AnonymousUser

    section = CasePage.objects.live().first().get_parent()
    client.get("/zhengce/")  # caches the navigation fragment
    # Behind the cache's back (no signal): the cached navigation still shows the old title …
    type(section).objects.filter(pk=section.pk).update(title="改名的栏目")
    page_cache.invalidate(page_cache.INSTITUTIONS)  # unrelated topic: fragments stay
    client.cookies["elder"] = "1"  # another page-cache key, same navigation fragment
    assert "改名的栏目" not in client.get("/zhengce/").content.decode()
    # … a signed-in user's page is rendered afresh.
    client.force_login(superuser)
    assert "改名的栏目" in client.get("/zhengce/").content.decode()
    request = rf.get("/")
    request.user = AnonymousUser()
    assert page_cache.fragments_allowed(request)
    request.is_preview = True
    assert not page_cache.fragments_allowed(request)


def test_a_listing_cached_before_the_index_was_written_is_refreshed_after(site_demo, client,
                                                                           django_capture_on_commit_callbacks):
    model = Institution.objects.published().filter(county__code="210302").first()
    url = "/jigou/?region=210302"
    client.get(url)
    with django_capture_on_commit_callbacks() as callbacks:
        model.pk, model.id, model.name = None, None, "铁东区向阳花康复驿站"
        model.save()
        # Between the save and the index write (after the commit), a visitor's request is
        # answered from the old index and cached.
        assert "铁东区向阳花康复驿站" not in client.get(url).content.decode()
    for callback in callbacks:
        callback()
    assert "铁东区向阳花康复驿站" in client.get(url).content.decode()
