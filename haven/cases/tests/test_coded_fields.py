"""Coded fields on the person and victim forms: chosen by their labels, stored as codes.

A case worker picks "Nữ", "Tiếng Việt" or "Việt Nam" in the page's language; Haven stores the
HTCDS system name, the ISO 639 or the ISO 3166 code. The API takes the codes, and labels too.
"""

import json

import pytest
from django.utils import translation

from haven.accounts.services import create_api_token
from haven.cases import forms, htcds
from haven.cases.models import Participant
from haven.cases.presenters import display
from haven.cases.tests.helpers import make_case
from haven.conftest import sign_in

pytestmark = pytest.mark.django_db


def html_of(form, name, language="vi") -> str:
    with translation.override(language):
        return str(form[name])


class TestThePersonForm:
    @pytest.mark.parametrize(
        "name, option",
        [
            ("gender", '<option value="Feminine">Nữ</option>'),
            ("marital_status", '<option value="Married">Đã kết hôn</option>'),
            ("education", '<option value="PrimaryEducation">Tiểu học</option>'),
            ("primary_language", '<option value="vie">Tiếng Việt</option>'),
            ("secondary_language", '<option value="khm">Tiếng Khmer</option>'),
            ("citizenship", '<option value="KH">Campuchia</option>'),
            ("mailing_country", '<option value="LA">Lào</option>'),
        ],
    )
    def test_every_coded_field_is_a_select_of_labels_in_the_page_language(self, name, option):
        html = html_of(forms.PersonForm(), name)
        assert html.startswith("<select") and option in html

    def test_the_regions_languages_come_first_in_their_own_group(self):
        html = html_of(forms.PersonForm(), "primary_language")
        region, others = html.split('<optgroup label="Các ngôn ngữ khác">')
        assert '<optgroup label="Việt Nam và Đông Nam Á">' in region
        assert "Tiếng Tày" in region and "Tiếng Khmer" in region and "Tiếng Anh" not in region
        assert "Tiếng Anh" in others and "Tiếng Việt" not in others

    def test_the_same_select_speaks_english_on_an_english_page(self):
        html = html_of(forms.PersonForm(), "gender", "en")
        assert '<option value="Feminine">Feminine</option>' in html

    def test_deceased_is_an_unticked_box_not_the_word_false(self):
        html = html_of(forms.PersonForm(), "deceased")
        assert 'type="checkbox"' in html and "checked" not in html and "False" not in html

    def test_a_language_is_stored_as_its_iso_639_code_whole(self):
        form = forms.PersonForm(data={"primary_language": "vie", "secondary_language": "hmn"})
        assert form.is_valid(), form.errors
        assert form.values()["primary_language"] == "vie"
        assert form.values()["secondary_language"] == "hmn"

    @pytest.mark.parametrize(
        "field, value, code",
        [
            ("gender", "Nữ", "Feminine"),
            ("gender", "feminine", "Feminine"),
            ("marital_status", "Độc thân", "Single"),
            ("primary_language", "Tiếng Việt", "vie"),
            ("primary_language", "tieng viet", "vie"),
            ("primary_language", "vi", "vie"),
            ("primary_language", "Vietnamese", "vie"),
        ],
    )
    def test_a_label_in_any_language_is_read_as_its_code(self, field, value, code):
        form = forms.PersonForm(data={field: value})
        assert form.is_valid(), form.errors
        assert form.cleaned_data[field] == code

    @pytest.mark.parametrize("field, value", [("primary_language", "Tiế"), ("gender", "Female")])
    def test_what_is_neither_a_code_nor_a_label_is_refused_on_its_field(self, field, value):
        form = forms.PersonForm(data={field: value})
        assert not form.is_valid() and set(form.errors) == {field}

    def test_an_imported_language_outside_the_list_is_kept_when_editing(self, alice):
        person = make_case(alice).participants.get().person
        person.primary_language = "mnw"  # Mon: a valid ISO 639-3 code Haven has no name for
        form = forms.PersonForm(instance=person, data={"primary_language": "mnw"})
        assert form.is_valid(), form.errors


class TestTheVictimForm:
    @pytest.mark.parametrize(
        "name, code, label",
        [
            ("recruitment_apps", "Zalo", "Zalo"),
            ("control_methods", "DebtBondage", "Gán nợ"),
            ("exploitation_types", "ForcedLabour", "Lao động"),
        ],
    )
    def test_picklists_are_boxes_to_tick_with_labels(self, name, code, label):
        html = html_of(forms.ParticipantForm(), name)
        assert 'type="checkbox"' in html and f'value="{code}"' in html and label in html


class TestTheCasePage:
    def test_languages_and_citizenship_read_as_names(self, alice):
        person = make_case(alice).participants.get().person
        person.primary_language, person.citizenship = "vie", ["VN", "KH"]
        with translation.override("vi"):
            assert display(person, "primary_language") == "Tiếng Việt"
            assert display(person, "citizenship") == "Việt Nam, Campuchia"
        with translation.override("en"):
            assert display(person, "primary_language") == "Vietnamese"


class TestThePages:
    def test_a_person_added_in_vietnamese_is_stored_in_codes(self, client, alice):
        case = make_case(alice)
        sign_in(client, alice)
        url = f"/vi/staff/cases/{case.pk}/people/new/"
        page = client.get(url).content.decode()
        assert '<option value="Feminine">Nữ</option>' in page
        assert '<option value="vie">Tiếng Việt</option>' in page
        response = client.post(
            url,
            {
                "person-first_name": "Lan",
                "person-middle_name": "Thị",
                "person-gender": "Feminine",
                "person-primary_language": "vie",
                "person-citizenship": ["VN", "LA"],
                "person-mobile_phone": "0912 345 678",
                "details-role": "victim",
                "details-recruitment_apps": ["Zalo", "FacebookMessenger"],
            },
        )
        assert response.status_code == 302, response.content.decode()[-3000:]
        added = Participant.objects.filter(case=case).order_by("created").last()
        person = added.person
        assert (person.gender, person.primary_language) == ("Feminine", "vie")
        assert person.citizenship == ["VN", "LA"] and person.deceased is False
        assert person.mobile_phone == "+84912345678"
        assert added.recruitment_apps == ["Zalo", "FacebookMessenger"]


class TestTheApi:
    def post(self, client, user, url, body):
        token = create_api_token(user, actor=user, name="t")[1]
        headers = {"Authorization": f"Bearer {token}", "Accept-Language": "en"}
        return client.post(url, json.dumps(body), content_type="application/json", headers=headers)

    def test_codes_are_accepted_as_before(self, client, alice):
        case = make_case(alice)
        body = {
            "role": "victim",
            "person": {"gender": "Feminine", "primary_language": "vie", "citizenship": ["VN"]},
            "details": {"recruitment_apps": ["Zalo", "Telegram"]},
        }
        response = self.post(client, alice, f"/api/v1/cases/{case.pk}/people", body)
        assert response.status_code == 201, response.content
        added = Participant.objects.get(pk=response.json()["id"])
        assert added.person.primary_language == "vie"
        assert added.recruitment_apps == ["Zalo", "Telegram"]

    def test_labels_are_accepted_and_stored_as_codes(self, client, alice):
        case = make_case(alice)
        body = {
            "role": "victim",
            "person": {
                "gender": "Nữ",
                "primary_language": "Tiếng Việt",
                "citizenship": ["Việt Nam", "Lào"],
            },
            "details": {"control_methods": [label_in("vi", htcds.ControlMethod, "DebtBondage")]},
        }
        response = self.post(client, alice, f"/api/v1/cases/{case.pk}/people", body)
        assert response.status_code == 201, response.content
        added = Participant.objects.get(pk=response.json()["id"])
        person = added.person
        assert (person.gender, person.primary_language) == ("Feminine", "vie")
        assert person.citizenship == ["VN", "LA"]
        assert added.control_methods == ["DebtBondage"]

    def test_a_wrong_value_names_its_field(self, client, alice):
        case = make_case(alice)
        body = {"role": "victim", "person": {"gender": "Female", "primary_language": "Tiế"}}
        response = self.post(client, alice, f"/api/v1/cases/{case.pk}/people", body)
        assert response.status_code == 422
        fields = {error["field"] for error in response.json()["errors"]}
        assert fields == {"person.gender", "person.primary_language"}


class TestPhonesAndEmail:
    def post(self, client, user, url, body):
        return TestTheApi.post(self, client, user, url, body)

    def test_the_api_stores_a_national_number_in_e164(self, client, alice):
        case = make_case(alice)
        body = {"role": "victim", "person": {"mobile_phone": "0912 345 678", "email": " a@b.vn "}}
        response = self.post(client, alice, f"/api/v1/cases/{case.pk}/people", body)
        assert response.status_code == 201, response.content
        person = Participant.objects.get(pk=response.json()["id"]).person
        assert (person.mobile_phone, person.email) == ("+84912345678", "a@b.vn")

    def test_a_formula_or_a_bad_address_is_refused_on_its_field_and_nothing_is_written(
        self, client, alice
    ):
        case = make_case(alice)
        before = Participant.objects.count()
        body = {
            "role": "victim",
            "person": {"home_phone": '=HYPERLINK("http://x.example","call")', "email": "lan@"},
        }
        response = self.post(client, alice, f"/api/v1/cases/{case.pk}/people", body)
        assert response.status_code == 422
        errors = {error["field"]: error["message"] for error in response.json()["errors"]}
        assert set(errors) == {"person.home_phone", "person.email"}
        assert errors["person.home_phone"].startswith("Not a phone number: write it as")
        assert Participant.objects.count() == before

    def test_the_page_says_so_in_vietnamese(self, client, alice):
        case = make_case(alice)
        sign_in(client, alice)
        response = client.post(
            f"/vi/staff/cases/{case.pk}/people/new/",
            {"person-mobile_phone": "=HYPERLINK(1)", "details-role": "victim"},
        )
        assert response.status_code == 200
        assert "Đây không phải là số điện thoại" in response.content.decode()
        assert case.participants.count() == 1


def label_in(language, choices, code) -> str:
    with translation.override(language):
        return str(choices(code).label)
