"""Search tests: one behaviour suite run against every available backend.

The database backend always runs (on SQLite, or on PostgreSQL when
DATABASE_URL points there). The Elasticsearch backend runs when
ELASTICSEARCH_URL is set; otherwise the run ends with the line
"not run: no ELASTICSEARCH_URL" in the terminal summary.
"""

import os

import pytest
from wagtail import blocks
from wagtail.models import Page
from wagtail.rich_text import RichText

ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL", "")


def pytest_generate_tests(metafunc):
    if "search_backend" in metafunc.fixturenames:
        backends = ["database"] + (["elasticsearch"] if ELASTICSEARCH_URL else [])
        metafunc.parametrize("search_backend", backends, indirect=True)


def pytest_collection_modifyitems(config, items):
    if not ELASTICSEARCH_URL:
        return
    for item in items:
        if "[elasticsearch" in item.nodeid:
            item.add_marker(pytest.mark.elasticsearch)


def pytest_terminal_summary(terminalreporter):
    if ELASTICSEARCH_URL:
        terminalreporter.write_line(f"search: Elasticsearch behaviour tests ran against {ELASTICSEARCH_URL}")
    else:
        terminalreporter.write_line("search: Elasticsearch behaviour tests not run: no ELASTICSEARCH_URL")


@pytest.fixture
def search_backend(request, settings):
    name = request.param
    if name == "elasticsearch":
        settings.ELASTICSEARCH_URL = ELASTICSEARCH_URL
        settings.SEARCH_INDEX_PREFIX = f"test-{os.getpid()}"
    else:
        settings.ELASTICSEARCH_URL = ""
    return name


@pytest.fixture
def rebuild_index(search_backend):
    """Rebuild the index of the backend under test from the database."""
    from search import indexing

    def rebuild():
        indexing.rebuild_database_index()
        if search_backend == "elasticsearch":
            from search.stores import elastic as documents

            documents.rebuild_index()
            documents.refresh()

    return rebuild


@pytest.fixture
def indexed_demo(demo_data, rebuild_index):
    rebuild_index()
    return demo_data


def pytest_configure(config):
    config.addinivalue_line("markers", "elasticsearch: runs against the cluster at ELASTICSEARCH_URL")


def text_block_value(text):
    """Stream data for HomePage.body: one text-like block, whatever the page app names it."""
    from portal.pages.models import HomePage

    for name, block in HomePage.body.field.stream_block.child_blocks.items():
        if isinstance(block, blocks.RichTextBlock):
            return [(name, RichText(f"<p>{text}</p>"))]
        if isinstance(block, (blocks.TextBlock, blocks.CharBlock)):
            return [(name, text)]
    raise AssertionError("HomePage.body has no text block")


@pytest.fixture
def make_home(django_capture_on_commit_callbacks):
    """make_home(title, body) → a HomePage under the root, published (and indexed on commit)."""
    from portal.pages.models import HomePage

    root = Page.get_first_root_node()

    def make(title, body="", publish=True, **fields):
        page = HomePage(title=title, slug=f"p{HomePage.objects.count() + 1}", body=text_block_value(body) if body else [],
                        **fields)
        with django_capture_on_commit_callbacks(execute=True):
            root.add_child(instance=page)
            if publish:
                page.save_revision().publish()
            else:
                page.unpublish()
        return page

    return make
