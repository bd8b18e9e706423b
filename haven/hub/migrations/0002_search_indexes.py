"""Full-text structures that Django's models cannot describe, one set per database engine.

SQLite: an FTS5 table over the folded words (kept in step by triggers) and an FTS5 trigram
table over the vocabulary for typo tolerance. PostgreSQL: a generated tsvector with a GIN index,
and pg_trgm over the vocabulary.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

SQLITE = [
    """CREATE VIRTUAL TABLE hub_search_fts USING fts5(
        title_fold, body_fold, language,
        content='hub_searchdocument', content_rowid='id',
        tokenize='unicode61 remove_diacritics 0')""",
    """CREATE TRIGGER hub_search_insert AFTER INSERT ON hub_searchdocument BEGIN
        INSERT INTO hub_search_fts(rowid, title_fold, body_fold, language)
        VALUES (new.id, new.title_fold, new.body_fold, new.language);
    END""",
    """CREATE TRIGGER hub_search_delete AFTER DELETE ON hub_searchdocument BEGIN
        INSERT INTO hub_search_fts(hub_search_fts, rowid, title_fold, body_fold, language)
        VALUES ('delete', old.id, old.title_fold, old.body_fold, old.language);
    END""",
    """CREATE TRIGGER hub_search_update AFTER UPDATE ON hub_searchdocument BEGIN
        INSERT INTO hub_search_fts(hub_search_fts, rowid, title_fold, body_fold, language)
        VALUES ('delete', old.id, old.title_fold, old.body_fold, old.language);
        INSERT INTO hub_search_fts(rowid, title_fold, body_fold, language)
        VALUES (new.id, new.title_fold, new.body_fold, new.language);
    END""",
    """CREATE VIRTUAL TABLE hub_term_trigram USING fts5(
        term, content='hub_searchterm', content_rowid='id', tokenize='trigram')""",
    """CREATE TRIGGER hub_term_insert AFTER INSERT ON hub_searchterm BEGIN
        INSERT INTO hub_term_trigram(rowid, term) VALUES (new.id, new.term);
    END""",
    """CREATE TRIGGER hub_term_delete AFTER DELETE ON hub_searchterm BEGIN
        INSERT INTO hub_term_trigram(hub_term_trigram, rowid, term) VALUES ('delete', old.id, old.term);
    END""",
    """CREATE TRIGGER hub_term_update AFTER UPDATE OF term ON hub_searchterm BEGIN
        INSERT INTO hub_term_trigram(hub_term_trigram, rowid, term) VALUES ('delete', old.id, old.term);
        INSERT INTO hub_term_trigram(rowid, term) VALUES (new.id, new.term);
    END""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER hub_term_update",
    "DROP TRIGGER hub_term_delete",
    "DROP TRIGGER hub_term_insert",
    "DROP TABLE hub_term_trigram",
    "DROP TRIGGER hub_search_update",
    "DROP TRIGGER hub_search_delete",
    "DROP TRIGGER hub_search_insert",
    "DROP TABLE hub_search_fts",
]
POSTGRESQL = [
    """ALTER TABLE hub_searchdocument ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple', title_fold), 'A')
        || setweight(to_tsvector('simple', body_fold), 'B')) STORED""",
    # One index per language: a query never needs the other language's postings.
    "CREATE INDEX hub_searchdocument_vector_vi ON hub_searchdocument USING gin (search_vector)"
    " WHERE language = 'vi'",
    "CREATE INDEX hub_searchdocument_vector_en ON hub_searchdocument USING gin (search_vector)"
    " WHERE language = 'en'",
    # On lower(term), not term: an index on term itself would also be picked for the plain
    # equality look-ups of document counts, where the unique b-tree is far faster.
    "CREATE INDEX hub_searchterm_trigram ON hub_searchterm USING gin (lower(term) gin_trgm_ops)",
]
POSTGRESQL_REVERSE = [
    "DROP INDEX hub_searchterm_trigram",
    "DROP INDEX hub_searchdocument_vector_en",
    "DROP INDEX hub_searchdocument_vector_vi",
    "ALTER TABLE hub_searchdocument DROP COLUMN search_vector",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("hub", "0001_initial")]
    operations = [
        TrigramExtension(),
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE}),
        ),
    ]
