"""The public self-check and job check, and the frontline page: who may, what shows, nothing kept."""

import re

import pytest

from haven.audit.models import Event
from haven.conftest import sign_in
from haven.lib.public_forms import form_token
from haven.reports.models import Report
from haven.screening import questionnaires

SELF_CHECK = "/vi/self-check/"
JOB_CHECK = "/en/job-check/"
TRAPPED = {
    "q_long_hours": "yes",
    "q_little_pay": "yes",
    "q_passport_kept": "yes",
    "q_cannot_leave": "yes",
    "q_job_different": "no",
    "q_hurt": "unknown",
}


def post(client, path, data, **headers):
    return client.post(path, {"form_token": form_token(), **data}, headers=headers)


@pytest.mark.django_db
class TestSelfCheck:
    def test_it_shows_the_questions_without_a_cookie(self, client):
        response = client.get(SELF_CHECK)
        html = response.content.decode()
        assert response.status_code == 200 and not response.cookies
        assert "Bạn có thường phải làm việc rất nhiều giờ" in html
        assert html.count('type="radio"') == 3 * len(questionnaires.get("self-check").questions)
        assert re.findall(r"<script[^>]*>", html) == ['<script src="/static/quick-exit.js" defer>']

    def test_the_result_explains_and_shows_the_help_lines_of_the_country(self, client):
        response = post(client, SELF_CHECK, {**TRAPPED, "country": "VN"})
        html = response.content.decode()
        assert response.status_code == 200
        assert "Dấu hiệu rõ của lao động cưỡng bức" in html
        assert "Chủ hoặc người môi giới có giữ hộ chiếu" in html  # what they said yes to
        assert 'href="tel:111"' in html and "Trợ giúp tại Việt Nam" in html
        assert response["Cache-Control"].count("no-store") and not response.cookies

    def test_another_country_shows_its_own_lines(self, client):
        html = post(client, "/en/self-check/", {**TRAPPED, "country": "KH"}).content.decode()
        assert "Help in Cambodia" in html and 'href="tel:117"' in html

    @pytest.mark.parametrize(
        "answers",
        [{}, {f"q_{q.id}": "unknown" for q in questionnaires.get("self-check").questions}],
    )
    def test_no_answer_yes_or_no_asks_the_person_to_answer(self, client, answers):
        response = post(client, "/en/self-check/", {**answers, "country": ""})
        html = response.content.decode()
        assert response.status_code == 422
        assert "No warning signs" not in html and "Your result" not in html
        summary = html[html.index('class="error-summary"') :]
        assert "There is a problem" in summary
        assert 'href="#id_q_job_different_0"' in summary  # a link to the first question
        assert 'name="q_job_different"' in html  # the questions are still there to answer

    def test_unknown_answers_still_say_what_they_could_change(self, client):
        data = {"q_long_hours": "yes", "q_cut_off": "no", "country": "VN"}
        html = post(client, "/en/self-check/", data).content.decode()
        assert "Some warning signs" in html
        assert "You did not answer, or did not know, 11 questions." in html
        assert "If the answer to those is yes, the result would be: Strong signs" in html

    def test_danger_opens_with_the_numbers_to_call_then_the_report(self, client):
        html = post(client, SELF_CHECK, {**TRAPPED, "country": "VN"}).content.decode()
        main = html[html.index("<main") :]
        panel = main[main.index('class="call-now"') : main.index("</section>")]
        assert 'href="tel:113"' in panel and 'href="tel:111"' in panel
        assert main.index('class="call-now"') < main.index('id="outcome"')
        report = main.index('action="/vi/self-check/report/"')
        assert main.index('class="call-now"') < report < main.index('id="outcome"')
        button = main[report : main.index("</form>", report)]
        assert 'class="secondary"' not in button  # the report is the primary action

    def test_no_danger_has_no_call_now_panel(self, client):
        data = {"q_long_hours": "yes", "q_little_pay": "yes", "country": "VN"}
        html = post(client, SELF_CHECK, data).content.decode()
        assert 'class="call-now"' not in html and "Có một số dấu hiệu đáng lo" in html

    def test_advice_never_contradicts_an_answer(self, client):
        html = post(client, SELF_CHECK, {**TRAPPED, "country": "VN"}).content.decode()
        assert "tự giữ hộ chiếu" not in html and "chụp ảnh hộ chiếu" not in html
        data = {"q_cut_off": "yes", "q_passport_kept": "no", "country": "VN"}
        assert "tự giữ hộ chiếu" in post(client, SELF_CHECK, data).content.decode()

    def test_a_forged_answer_is_refused(self, client):
        response = post(client, SELF_CHECK, {"q_long_hours": "maybe"})
        assert response.status_code == 422

    @pytest.mark.parametrize(
        "headers",
        [{}, {"Sec-Fetch-Site": "cross-site"}, {"Origin": "https://evil.example"}],
    )
    def test_a_post_from_elsewhere_is_refused(self, client, headers):
        data = dict(TRAPPED) if headers else {**TRAPPED, "form_token": "forged"}
        if headers:
            data["form_token"] = form_token()
        response = client.post(SELF_CHECK, data, headers=headers)
        assert response.status_code == 403

    def test_nothing_is_stored(self, client):
        events, reports = Event.objects.count(), Report.objects.count()
        post(client, SELF_CHECK, {**TRAPPED, "country": "VN"})
        post(client, "/vi/self-check/report/", {**TRAPPED, "country": "VN"})
        assert (Event.objects.count(), Report.objects.count()) == (events, reports)


@pytest.mark.django_db
class TestTurningTheAnswersIntoAReport:
    def test_the_report_form_comes_prefilled_and_nothing_is_sent_yet(self, client):
        response = post(client, "/en/self-check/report/", {**TRAPPED, "country": "VN"})
        html = response.content.decode()
        assert response.status_code == 200 and Report.objects.count() == 0
        assert 'action="/en/report/check/"' in html  # checked before anything is sent
        assert "I took the self-check on Haven." in html
        assert "Does your employer or recruiter keep your passport" in html
        assert re.search(r'value="ForcedLabour"[^>]*checked', html)

    def test_the_reporter_decides_and_the_report_is_filed(self, client, hotline):
        form = post(client, "/en/self-check/report/", {**TRAPPED, "country": "VN"})
        description = form.context["form"].initial["description"] + "They keep us in the dorm."
        response = post(
            client,
            "/en/report/new/",
            {
                "description": description,
                "country": "VN",
                "children_involved": "unknown",
                "exploitation_types": ["ForcedLabour"],
            },
        )
        assert response.status_code == 201
        assert Report.objects.get().description.endswith("They keep us in the dorm.")

    def test_it_needs_a_post_with_a_token(self, client):
        assert client.get("/en/self-check/report/").status_code == 405
        response = client.post("/en/self-check/report/", {**TRAPPED, "form_token": "x"})
        assert response.status_code == 403


@pytest.mark.django_db
class TestJobCheck:
    def test_it_lists_the_flags_with_the_words_that_raised_them(self, client):
        text = "Việc nhẹ lương cao ở Campuchia, bao vé máy bay, không cần visa. Liên hệ Telegram."
        response = post(client, "/vi/job-check/", {"text": text})
        html = response.content.decode()
        assert response.status_code == 200
        assert "Rủi ro cao" in html
        assert "<q>Campuchia</q>" in html and "<q>không cần visa</q>" in html
        assert 'href="/vi/articles/fake-job-offers/"' in html
        assert response["Cache-Control"].count("no-store") and not response.cookies

    def test_an_english_offer_on_the_vietnamese_page(self, client):
        text = "Free flight tickets to Cambodia, keep this secret."
        html = post(client, "/vi/job-check/", {"text": text}).content.decode()
        assert "<q>Free flight tickets</q>" in html and "Dặn giữ bí mật" in html

    def test_an_honest_offer_is_low(self, client):
        text = "Barista wanted in Hanoi, weekends, 30,000 VND per hour, contract."
        html = post(client, JOB_CHECK, {"text": text}).content.decode()
        assert "Low risk" in html and "Haven found none of the red flags" in html
        assert "few warning signs" not in html and "few flags" not in html  # not both at once

    def test_a_low_risk_with_one_flag_does_not_say_none_were_found(self, client):
        html = post(client, JOB_CHECK, {"text": "Barista wanted, no experience needed."}).content
        html = html.decode()
        assert "Low risk: few warning signs found" in html
        assert "none of the red flags" not in html

    def test_an_empty_or_huge_text_is_explained(self, client):
        assert post(client, JOB_CHECK, {"text": ""}).status_code == 422
        assert post(client, JOB_CHECK, {"text": "x" * 10_001}).status_code == 422

    def test_a_forged_post_is_refused(self, client):
        response = client.post(JOB_CHECK, {"text": "hello", "form_token": "forged"})
        assert response.status_code == 403

    @pytest.mark.parametrize("lang", ["km", "lo", "my", "ms", "fil"])
    def test_a_language_without_rules_says_it_reads_english_ones(self, client, lang):
        html = client.get(f"/{lang}/job-check/").content.decode()
        assert 'id="rules-note"' in html
        html = post(client, f"/{lang}/job-check/", {"text": "Easy money in Cambodia"})
        html = html.content.decode()
        assert 'id="rules-note"' in html and "Promises of easy money" in html

    @pytest.mark.parametrize("lang", ["vi", "en", "th", "id"])
    def test_a_language_with_rules_has_no_note(self, client, lang):
        assert 'id="rules-note"' not in client.get(f"/{lang}/job-check/").content.decode()

    def test_a_thai_offer_on_the_thai_page(self, client):
        html = post(client, "/th/job-check/", {"text": "งานสบาย รายได้ดี ที่กัมพูชา บินฟรี"})
        html = html.content.decode()
        assert "<q>กัมพูชา</q>" in html and "สัญญาว่าได้เงินง่าย" in html

    def test_the_page_is_light(self, client):
        assert len(client.get(JOB_CHECK).content) < 10_000
        assert len(client.get(SELF_CHECK).content) < 20_000


@pytest.mark.django_db
class TestFrontlinePage:
    PATH = "/en/staff/screening/adult-labour/"

    def test_anonymous_visitors_are_sent_to_sign_in(self, client):
        for path in ("/en/staff/screening/", self.PATH):
            response = client.get(path)
            assert response.status_code == 302 and "/staff/login/" in response["Location"]

    def test_an_analyst_may_not_screen(self, client, dave):
        sign_in(client, dave)
        assert client.get("/en/staff/screening/").status_code == 403
        assert client.get(self.PATH).status_code == 403

    def test_a_frontline_worker_sees_the_questionnaires(self, client, bob):
        sign_in(client, bob)
        html = client.get("/en/staff/screening/").content.decode()
        for name in ("adult-labour", "adult-sexual", "child", "self-check"):
            assert f'href="/en/staff/screening/{name}/"' in html
        assert client.get("/en/staff/screening/nope/").status_code == 404

    def test_the_questions_come_under_their_dimensions(self, client, bob):
        sign_in(client, bob)
        html = client.get("/vi/staff/screening/child/").content.decode()
        assert "Tuyển dụng bằng lừa dối" in html and "Cưỡng ép tại nơi đến" in html
        assert "Trẻ có được hứa cho đi học" in html

    def test_answers_are_scored_and_not_stored(self, client, alice):
        sign_in(client, alice)
        events = Event.objects.count()
        answers = {
            "q_job_different": "yes",
            "q_pay_lower": "yes",
            "q_long_hours": "yes",
            "q_low_pay": "yes",
            "q_passport_kept": "yes",
            "q_cannot_leave": "yes",
            "q_threatened": "unknown",
        }
        response = client.post(self.PATH, answers)
        html = response.content.decode()
        assert response.status_code == 200
        assert "Strong indication of trafficking" in html
        assert "The combination rule is met" in html
        assert "Adult: labour exploitation, version 1." in html
        assert "This result was not saved." in html
        assert "no-store" in response["Cache-Control"]
        assert Event.objects.count() == events

    def test_a_forged_answer_is_explained(self, client, bob):
        sign_in(client, bob)
        assert client.post(self.PATH, {"q_long_hours": "often"}).status_code == 422

    def test_csrf_is_enforced(self, csrf_client, bob):
        sign_in(csrf_client, bob)
        response = csrf_client.post(self.PATH, {"q_long_hours": "yes"})
        assert response.status_code == 403
