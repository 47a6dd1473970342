"""Back-office search: Chinese words, unpublished rows, and never outside the user's regions."""

import pytest

from portal.registry import access
from portal.registry.models import Institution
from search.admin import InstitutionSearchHandler

pytestmark = pytest.mark.django_db


def test_handler_finds_words_and_stays_inside_the_scoped_queryset(county_admin, rebuild_index, search_backend):
    rebuild_index()
    scoped = access.scope_queryset(Institution.objects.all(), county_admin)
    handler = InstitutionSearchHandler(search_fields=("name",))
    found = handler.search_queryset(scoped, "服务站")
    assert found.exists()
    assert set(found.values_list("county__code", flat=True)) == {"210302"}
    # The whole city has more of them; the handler never widens the scope.
    everywhere = handler.search_queryset(Institution.objects.all(), "服务站")
    assert everywhere.count() > found.count()
    # Words inside addresses and services, and unpublished rows, are found too.
    unpublished = scoped.filter(is_published=False).first()
    assert unpublished in handler.search_queryset(scoped, unpublished.name[:5])
    service = unpublished.services.first()
    assert unpublished in handler.search_queryset(scoped, service.name)


def test_handler_with_empty_or_hostile_terms(county_admin):
    scoped = access.scope_queryset(Institution.objects.all(), county_admin)
    handler = InstitutionSearchHandler(search_fields=("name",))
    assert handler.search_queryset(scoped, "").count() == scoped.count()
    assert handler.search_queryset(scoped, '"*) OR 1=1 --').count() == 0
