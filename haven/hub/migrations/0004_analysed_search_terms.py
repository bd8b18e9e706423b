"""Search terms analysed per language (haven.lib.analysis): stems for English, Indonesian and
Malay, ICU word segments for Thai, Lao, Khmer and Burmese, folded words as before otherwise.

- Every stored document is re-analysed, and the document counts of the terms are recounted.
- SQLite: FTS5's tokenizer also keeps combining marks (category M) inside a token: the vowel
  signs and tone marks of Thai, Lao, Khmer and Burmese are part of their words.
- PostgreSQL: one partial GIN index per new language, like those of Vietnamese and English.
"""

from collections import Counter

from django.db import migrations

from haven.lib.analysis import tokens

NEW_LANGUAGES = ("th", "km", "lo", "my", "id", "ms", "fil")
FTS_TOKENIZER = "unicode61 remove_diacritics 0 categories 'L* N* Co M*'"
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS hub_search_update",
    "DROP TRIGGER IF EXISTS hub_search_delete",
    "DROP TRIGGER IF EXISTS hub_search_insert",
    "DROP TABLE IF EXISTS hub_search_fts",
]


def _sqlite_create(tokenizer: str) -> list[str]:
    return [
        f"""CREATE VIRTUAL TABLE hub_search_fts USING fts5(
            title_fold, body_fold, language,
            content='hub_searchdocument', content_rowid='id',
            tokenize="{tokenizer}")""",
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
        "INSERT INTO hub_search_fts(hub_search_fts) VALUES ('rebuild')",
    ]


def _reanalyse(apps) -> None:
    SearchDocument = apps.get_model("hub", "SearchDocument")
    SearchTerm = apps.get_model("hub", "SearchTerm")
    SearchTotals = apps.get_model("hub", "SearchTotals")
    counts: Counter = Counter()
    total_length = documents = 0
    for document in SearchDocument.objects.all().iterator():
        title = tokens(document.title, document.language)
        body = tokens(document.text, document.language)
        document.title_words = " ".join(token.surface for token in title)
        document.title_fold = " ".join(token.term for token in title)
        document.words = " ".join(token.surface for token in body)
        document.body_fold = " ".join(token.term for token in body)
        document.length = len(title) + len(body)
        document.save(update_fields=["title_words", "title_fold", "words", "body_fold", "length"])
        counts.update({token.term[:100] for token in title + body})
        total_length += document.length
        documents += 1
    SearchTerm.objects.all().delete()
    SearchTerm.objects.bulk_create(
        [SearchTerm(term=term, documents=count) for term, count in counts.items()],
        batch_size=1000,
    )
    SearchTotals.objects.all().delete()
    SearchTotals.objects.create(pk=1, documents=documents, length=total_length)


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement)
    _reanalyse(apps)
    if vendor == "sqlite":
        for statement in _sqlite_create(FTS_TOKENIZER):
            schema_editor.execute(statement)
    elif vendor == "postgresql":
        for language in NEW_LANGUAGES:
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS hub_searchdocument_vector_{language} "
                f"ON hub_searchdocument USING gin (search_vector) WHERE language = '{language}'"
            )


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement)
        for statement in _sqlite_create("unicode61 remove_diacritics 0"):
            schema_editor.execute(statement)
    elif vendor == "postgresql":
        for language in NEW_LANGUAGES:
            schema_editor.execute(f"DROP INDEX IF EXISTS hub_searchdocument_vector_{language}")


class Migration(migrations.Migration):
    dependencies = [("hub", "0003_helpline_nationalities")]
    operations = [migrations.RunPython(forwards, backwards)]
