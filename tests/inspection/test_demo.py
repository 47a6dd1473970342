"""The demo site shows the report at work: one column is idle on purpose."""

import pytest

from portal.inspection.indicators import build_report

pytestmark = pytest.mark.django_db


def test_the_demo_has_an_idle_column_in_the_report(site_demo, superuser):
    columns = next(s for s in build_report(superuser).sections if s.indicator.code == "columns")
    assert [i.subject for i in columns.items] == ["宣传与反歧视"]
    assert columns.vetoed


def test_loading_the_demo_twice_keeps_one_idle_column(site_demo, superuser):
    from portal.pages.demo import load_site

    load_site()
    columns = next(s for s in build_report(superuser).sections if s.indicator.code == "columns")
    assert [i.subject for i in columns.items] == ["宣传与反歧视"]
