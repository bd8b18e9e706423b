import pytest


@pytest.mark.django_db
class TestSearchApi:
    def test_it_answers_in_the_documented_shape(self, client):
        response = client.get("/api/v1/search", {"q": "duong day nong", "lang": "vi", "limit": 3})
        assert response.status_code == 200
        body = response.json()
        assert body["query"] == "duong day nong" and body["total"] >= 3
        assert len(body["results"]) == 3
        first = body["results"][0]
        assert set(first) == {
            *("kind", "slug", "lang", "title", "url", "snippet", "score", "synonyms", "pinned")
        }
        assert first["kind"] == "helpline" and first["slug"] == "VN" and first["lang"] == "vi"
        assert first["url"] == "/vi/help/vn/"

    def test_articles_and_help_lines_are_both_found(self, client):
        kinds = {
            r["kind"]
            for r in client.get("/api/v1/search", {"q": "111", "lang": "vi", "limit": 20}).json()[
                "results"
            ]
        }
        assert "helpline" in kinds and kinds & {"guide", "law", "right"}

    def test_no_token_is_needed(self, client):
        assert client.get("/api/v1/search", {"q": "visa", "lang": "en"}).status_code == 200

    @pytest.mark.parametrize(
        ("params", "field"),
        [
            ({"q": ""}, "q"),
            ({"q": "   "}, "q"),
            ({"q": "x" * 201}, "q"),
            ({"q": "!!!"}, "q"),
            ({}, "q"),
            ({"q": "visa", "lang": "fr"}, "lang"),
            ({"q": "visa", "limit": "0"}, "limit"),
            ({"q": "visa", "limit": "500"}, "limit"),
            ({"q": "visa", "limit": "ten"}, "limit"),
        ],
    )
    def test_bad_input_is_422_with_a_reason(self, client, params, field):
        response = client.get("/api/v1/search", params, headers={"Accept-Language": "en"})
        assert response.status_code == 422
        body = response.json()
        assert body["detail"] == "The request has invalid values."
        assert [error["field"] for error in body["errors"]] == [field]
        assert all(error["message"] for error in body["errors"])


@pytest.mark.django_db
class TestArticleApi:
    def test_it_returns_an_article(self, client):
        body = client.get("/api/v1/articles/actip", {"lang": "en"}).json()
        assert body["slug"] == "actip" and body["lang"] == "en" and body["kind"] == "law"
        assert body["sources"] and body["body_html"].startswith("<")
        assert body["reviewed"] == "2026-11-28"

    def test_vietnamese_is_the_default(self, client):
        assert client.get("/api/v1/articles/actip").json()["lang"] == "vi"

    def test_an_unknown_slug_is_404(self, client):
        response = client.get("/api/v1/articles/nothing", headers={"Accept-Language": "en"})
        assert response.status_code == 404 and response.json()["detail"] == "Not found."


@pytest.mark.django_db
class TestHelplinesApi:
    def test_one_country(self, client):
        body = client.get("/api/v1/helplines", {"country": "VN"}).json()
        [country] = body["countries"]
        assert country["code"] == "VN" and country["name"]["vi"] == "Việt Nam"
        line = next(line for line in country["lines"] if line["number"] == "111")
        assert line["verified"] is True and line["dial"] == "111" and line["sources"]

    def test_all_countries(self, client):
        assert len(client.get("/api/v1/helplines").json()["countries"]) == 10

    def test_lower_case_is_accepted(self, client):
        assert (
            client.get("/api/v1/helplines", {"country": "th"}).json()["countries"][0]["code"]
            == "TH"
        )

    def test_an_unknown_country_is_422(self, client):
        response = client.get("/api/v1/helplines", {"country": "FR"})
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "country"
