"""The full-text index over the segmented columns, per database.

SQLite: an FTS5 external-content table over search_searchtext kept in step by
triggers (the table stores only the index, the text stays in the entry row).
PostgreSQL: a generated tsvector column (title words weight A, body words B,
grams D) with a GIN index. The 'simple' configuration splits on the spaces the
segmenter put in and does no stemming, which is what Chinese words need.

Note: on SQLite, a later migration that rebuilds search_searchtext (Django
does that for most column changes) drops the triggers; call ``create_sqlite``
again in such a migration.
"""

from django.db import migrations

SQLITE_CREATE = [
    """CREATE VIRTUAL TABLE search_entry_fts USING fts5(
        title_words, body_words, grams,
        content='search_searchtext', content_rowid='entry_id', tokenize='unicode61'
    )""",
    """CREATE TRIGGER search_entry_fts_insert AFTER INSERT ON search_searchtext BEGIN
        INSERT INTO search_entry_fts(rowid, title_words, body_words, grams)
        VALUES (new.entry_id, new.title_words, new.body_words, new.grams);
    END""",
    """CREATE TRIGGER search_entry_fts_delete AFTER DELETE ON search_searchtext BEGIN
        INSERT INTO search_entry_fts(search_entry_fts, rowid, title_words, body_words, grams)
        VALUES ('delete', old.entry_id, old.title_words, old.body_words, old.grams);
    END""",
    """CREATE TRIGGER search_entry_fts_update AFTER UPDATE OF title_words, body_words, grams
        ON search_searchtext BEGIN
        INSERT INTO search_entry_fts(search_entry_fts, rowid, title_words, body_words, grams)
        VALUES ('delete', old.entry_id, old.title_words, old.body_words, old.grams);
        INSERT INTO search_entry_fts(rowid, title_words, body_words, grams)
        VALUES (new.entry_id, new.title_words, new.body_words, new.grams);
    END""",
    "INSERT INTO search_entry_fts(search_entry_fts) VALUES ('rebuild')",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS search_entry_fts_insert",
    "DROP TRIGGER IF EXISTS search_entry_fts_delete",
    "DROP TRIGGER IF EXISTS search_entry_fts_update",
    "DROP TABLE IF EXISTS search_entry_fts",
]

POSTGRES_CREATE = [
    """ALTER TABLE search_searchtext ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple'::regconfig, coalesce(title_words, '')), 'A')
        || setweight(to_tsvector('simple'::regconfig, coalesce(body_words, '')), 'B')
        || setweight(to_tsvector('simple'::regconfig, coalesce(grams, '')), 'D')
    ) STORED""",
    "CREATE INDEX search_entry_vector_gin ON search_searchtext USING gin (search_vector)",
]
POSTGRES_DROP = [
    "DROP INDEX IF EXISTS search_entry_vector_gin",
    "ALTER TABLE search_searchtext DROP COLUMN IF EXISTS search_vector",
]


def _run(schema_editor, statements):
    for sql in statements:
        schema_editor.execute(sql)


def create_sqlite(schema_editor):
    _run(schema_editor, SQLITE_CREATE)


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        create_sqlite(schema_editor)
    elif vendor == "postgresql":
        _run(schema_editor, POSTGRES_CREATE)
    # Other databases are not supported: search.backends.database says so when used.


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _run(schema_editor, SQLITE_DROP)
    elif vendor == "postgresql":
        _run(schema_editor, POSTGRES_DROP)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
