"""Screening in the JSON API: public without a token, frontline with screening.use, 422s by field."""

import pytest

from haven.accounts.services import create_api_token

BASE = "/api/v1/screening"


def token(user) -> dict:
    return {"Authorization": f"Bearer {create_api_token(user, actor=user, name='t')[1]}"}


def post(client, path, data, **headers):
    return client.post(path, data, content_type="application/json", headers=headers)


@pytest.mark.django_db
class TestQuestionnaires:
    def test_the_public_sees_the_public_ones(self, client):
        response = client.get(f"{BASE}/questionnaires")
        assert response.status_code == 200
        assert [item["id"] for item in response.json()["questionnaires"]] == ["self-check"]

    def test_frontline_staff_see_all(self, client, bob):
        ids = [
            q["id"]
            for q in client.get(f"{BASE}/questionnaires", headers=token(bob)).json()[
                "questionnaires"
            ]
        ]
        assert ids == ["adult-labour", "adult-sexual", "child", "self-check"]

    def test_an_analyst_sees_the_public_ones(self, client, dave):
        data = client.get(f"{BASE}/questionnaires", headers=token(dave)).json()
        assert [item["id"] for item in data["questionnaires"]] == ["self-check"]

    def test_a_bad_token_is_401(self, client):
        response = client.get(f"{BASE}/questionnaires", headers={"Authorization": "Bearer hvn_x"})
        assert response.status_code == 401

    def test_one_questionnaire_with_its_questions_and_sources(self, client):
        data = client.get(f"{BASE}/questionnaires/self-check").json()
        assert data["version"] >= 1 and data["audience"] == "public"
        question = data["questions"][0]
        assert set(question) == {"id", "indicator", "dimension", "strength", "ilo11", "text"}
        assert {"vi", "en"} <= set(question["text"])  # and the languages translated since
        assert question["indicator"] in data["indicators"]
        assert "WCMS_105023" in data["source"]["basis"]

    def test_frontline_questionnaires_need_a_token_with_screening_use(self, client, dave, bob):
        path = f"{BASE}/questionnaires/child"
        assert client.get(path).status_code == 401
        assert client.get(path, headers=token(dave)).status_code == 403
        assert client.get(path, headers=token(bob)).status_code == 200

    def test_an_unknown_one_is_404(self, client, bob):
        response = client.get(f"{BASE}/questionnaires/nope", headers=token(bob))
        assert response.status_code == 404 and response.json()["errors"] == []


@pytest.mark.django_db
class TestEvaluate:
    PATH = f"{BASE}/questionnaires/self-check/evaluate"

    def test_it_scores_anonymously(self, client):
        answers = {
            "long_hours": "yes",
            "little_pay": "yes",
            "passport_kept": "yes",
            "cut_off": "yes",
        }
        response = post(client, self.PATH, {"answers": answers, "lang": "en"})
        data = response.json()
        assert response.status_code == 200
        assert data["outcome"] == "strong"
        assert data["questionnaire"] == "self-check" and data["version"] >= 1
        assert data["dimensions"]["exploitation"] == {
            "positive": True,
            "indicators": ["excessive_hours", "low_or_no_salary"],
        }
        assert data["dimensions"]["deceptive_recruitment"]["positive"] is False
        assert "Identity documents taken (strong)" in data["explanation"]
        assert data["next_steps"] and data["could_be"] is None

    def test_it_speaks_vietnamese_by_default(self, client):
        data = post(client, self.PATH, {"answers": {"long_hours": "yes"}}).json()
        assert data["outcome"] == "possible" and data["could_be"] == "strong"
        assert "Làm việc quá nhiều ngày hoặc quá nhiều giờ (mạnh)" in data["explanation"]

    @pytest.mark.parametrize("answers", [{}, {"long_hours": "unknown", "hurt": "unknown"}])
    def test_no_answer_yes_or_no_gives_no_verdict(self, client, answers):
        data = post(client, self.PATH, {"answers": answers, "lang": "en"}).json()
        assert data["outcome"] == "unanswered"
        assert data["next_steps"] == [] and data["could_be"] is None and data["urgent"] is False
        assert "No warning signs" not in data["explanation"]

    def test_one_answer_no_is_a_verdict_that_says_what_the_rest_could_change(self, client):
        data = post(client, self.PATH, {"answers": {"job_different": "no"}}).json()
        assert data["outcome"] == "none" and data["could_be"] == "strong"

    @pytest.mark.parametrize("question", ["cannot_leave", "hurt", "threatened", "passport_kept"])
    def test_a_danger_answered_yes_is_urgent(self, client, question):
        data = post(client, self.PATH, {"answers": {question: "yes"}, "lang": "en"}).json()
        assert data["urgent"] is True

    def test_other_signs_alone_are_not_urgent(self, client):
        answers = {"long_hours": "yes", "little_pay": "yes", "cannot_leave": "no"}
        assert post(client, self.PATH, {"answers": answers}).json()["urgent"] is False

    def test_advice_never_contradicts_an_answer(self, client):
        answers = {"passport_kept": "yes", "cut_off": "no"}
        data = post(client, self.PATH, {"answers": answers, "lang": "en"}).json()
        assert data["outcome"] == "possible"
        assert not any("passport" in step and "yourself" in step for step in data["next_steps"])
        kept = post(client, self.PATH, {"answers": {"passport_kept": "no"}, "lang": "en"}).json()
        no_answer = post(client, self.PATH, {"answers": {"cut_off": "yes"}, "lang": "en"}).json()
        assert any("passport" in step and "yourself" in step for step in no_answer["next_steps"])
        assert kept["outcome"] == "none"

    def test_unknown_questions_and_answers_are_422_by_field(self, client):
        body = {"answers": {"nope": "yes", "long_hours": "often"}}
        response = post(client, self.PATH, body, **{"Accept-Language": "en"})
        assert response.status_code == 422
        assert response.json()["errors"] == [
            {"field": "answers.nope", "message": "is not a question of this questionnaire"},
            {"field": "answers.long_hours", "message": "must be yes, no or unknown"},
        ]

    def test_a_malformed_body_is_422(self, client):
        assert post(client, self.PATH, {"answers": ["yes"]}).status_code == 422
        assert post(client, self.PATH, {"answers": {}, "lang": "fr"}).status_code == 422

    def test_frontline_scoring_needs_screening_use(self, client, dave, alice):
        path = f"{BASE}/questionnaires/adult-labour/evaluate"
        body = {"answers": {"long_hours": "yes"}}
        assert post(client, path, body).status_code == 401
        assert post(client, path, body, **token(dave)).status_code == 403
        assert post(client, path, body, **token(alice)).json()["outcome"] == "possible"


@pytest.mark.django_db
class TestJobOfferCheck:
    PATH = f"{BASE}/job-offer-check"

    def test_it_lists_flags_with_evidence(self, client):
        text = "Tuyển gấp, bao vé máy bay đi Campuchia, không cần visa, liên hệ Telegram"
        response = post(client, self.PATH, {"text": text, "lang": "vi"})
        data = response.json()
        assert response.status_code == 200 and data["risk"] == "high"
        flag = next(item for item in data["flags"] if item["code"] == "irregular_route")
        assert flag["evidence"] == ["không cần visa"] and flag["message"]
        assert set(data) == {"risk", "flags", "rules_language"}
        assert data["rules_language"] == "vi"

    @pytest.mark.parametrize(
        ("lang", "text", "code"),
        [
            ("th", "งานสบาย รายได้ดี ที่กัมพูชา บินฟรี", "scam_destination"),
            ("id", "Kerja ringan di Kamboja, tiket gratis", "scam_destination"),
        ],
    )
    def test_thai_and_indonesian_have_their_own_rules(self, client, lang, text, code):
        data = post(client, self.PATH, {"text": text, "lang": lang}).json()
        assert data["rules_language"] == lang and data["risk"] == "high"
        assert code in {flag["code"] for flag in data["flags"]}

    @pytest.mark.parametrize("lang", ["km", "lo", "my", "ms", "fil"])
    def test_other_languages_are_accepted_and_read_english_rules(self, client, lang):
        response = post(client, self.PATH, {"text": "easy money in Cambodia", "lang": lang})
        data = response.json()
        assert response.status_code == 200 and data["rules_language"] == "en"
        assert {flag["code"] for flag in data["flags"]} == {"easy_money", "scam_destination"}

    def test_it_uses_the_rules_of_the_language_given(self, client):
        data = post(client, self.PATH, {"text": "easy money in Cambodia", "lang": "en"}).json()
        assert {flag["code"] for flag in data["flags"]} == {"easy_money", "scam_destination"}

    @pytest.mark.parametrize(
        "body",
        [
            {"text": "x"},
            {"text": "x", "lang": "fr"},
            {"text": "", "lang": "vi"},
            {"text": " ", "lang": "vi"},
            {"text": "x" * 10_001, "lang": "en"},
        ],
    )
    def test_bad_input_is_422(self, client, body):
        response = post(client, self.PATH, body)
        assert response.status_code == 422 and response.json()["errors"]
