"""Issue 15's API and report items in each of the nine languages: the article in the language,
search that finds it by the language's own words for trafficking in persons, and reports written
in any language with staff shown which."""

import re

import pytest

from haven.conftest import sign_in
from haven.lib import vocabulary
from haven.reports import services
from haven.reports.models import Report

# Letters only the language's script has (Latin-script languages: their commonest small words).
SCRIPT = {
    "th": r"[\u0e00-\u0e7f]",
    "km": r"[\u1780-\u17ff]",
    "lo": r"[\u0e80-\u0eff]",
    "my": r"[\u1000-\u109f]",
    "id": r"\b(?:yang|dan|orang|untuk)\b",
    "ms": r"\b(?:yang|dan|orang|untuk)\b",
    "fil": r"\b(?:ang|ng|mga|sa)\b",
}
# The language's own words for trafficking in persons, as a reader would type them.
TRAFFICKING = {
    "th": "การค้ามนุษย์",
    "km": "ការជួញដូរមនុស្ស",
    "lo": "ການຄ້າມະນຸດ",
    "my": "လူကုန်ကူးမှု",
    "id": "perdagangan orang",
    "ms": "pemerdagangan orang",
    "fil": "pangangalakal ng tao",
}
NINE = ["vi", "en", *TRAFFICKING]


@pytest.mark.django_db
@pytest.mark.parametrize("language", list(TRAFFICKING))
def test_the_article_answers_in_the_language(client, language):
    response = client.get("/api/v1/articles/what-is-trafficking", {"lang": language})
    assert response.status_code == 200
    body = response.json()
    assert body["lang"] == language
    assert body["review"]["status"] in ("machine-assisted", "reviewed")
    text = f"{body['title']} {body['body_markdown']}"
    assert len(re.findall(SCRIPT[language], text)) > 20, "the text is not in the language"


@pytest.mark.django_db
@pytest.mark.parametrize("language", list(TRAFFICKING))
def test_search_finds_it_by_the_languages_own_word(client, language):
    response = client.get("/api/v1/search", {"q": TRAFFICKING[language], "lang": language})
    assert response.status_code == 200
    results = response.json()["results"]
    top = [(result["slug"], result["lang"]) for result in results[:3]]
    assert ("what-is-trafficking", language) in top, top


@pytest.mark.django_db
@pytest.mark.parametrize("language", NINE)
def test_a_report_in_any_language_shows_staff_which(client, alice, language):
    report, _receipt = services.submit_report(
        services.NewReport(country="VN", description="—" * 20, language=language), []
    )
    assert Report.objects.get(pk=report.pk).language == language
    sign_in(client, alice)
    name = vocabulary.get_language(language).english_name
    queue = client.get("/en/staff/triage/").content.decode()
    assert f"· {name}" in queue
    page = client.get(f"/en/staff/triage/{report.pk}/").content.decode()
    assert "Written in" in page and name in page
