"""Consent in plain words: each item is a question naming who receives the information and
what for, says which referrals it opens, and the person is chosen by name."""

import pytest
from django.utils import translation

from haven.cases import consent_wording, forms
from haven.cases.models import ConsentItem, Section
from haven.cases.sharing import REQUIRED
from haven.cases.tests.helpers import make_case
from haven.conftest import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(alice):
    return make_case(alice)


def test_every_item_is_a_question_naming_the_organisation(case):
    form = forms.ConsentForm(case=case)
    for item in ConsentItem.values:
        label = str(form.fields[item].label)
        assert label.endswith("?"), label
        if item != ConsentItem.RESEARCH:
            assert "Hotline VN" in label, label
    assert "the person agree" in str(form.fields[ConsentItem.INTERVIEW].label)


def test_the_person_is_chosen_by_name_with_the_pseudonym(case):
    person = case.participants.get().person
    form = forms.ConsentForm(case=case)
    assert form.fields["person"].choices == [
        (str(person.pk), f"Ngọc Lan Tran Thi ({person.pseudonym})")
    ]


def test_each_item_says_what_it_opens(case):
    form = forms.ConsentForm(case=case)
    help_of = {item: str(form.fields[item].help_text) for item in ConsentItem.values}
    assert help_of[ConsentItem.INTERVIEW] == (
        "Needed before anything can be shared with another organisation."
    )
    assert help_of[ConsentItem.USE_OF_DATA] == (
        "Needed to share: what happened, the support plan, names and identity, contact details."
    )
    assert (
        help_of[ConsentItem.WITHDRAWAL] == "Needed to share: names and identity, contact details."
    )
    assert help_of[ConsentItem.RESEARCH].startswith("Not needed to refer the case.")


def test_the_sections_named_follow_the_sharing_rules():
    """A change to the rules changes the words: nothing is said from memory."""
    for item in ConsentItem.values:
        opens = str(consent_wording.what_it_opens(item))
        for section, needed in REQUIRED.items():
            named = str(consent_wording.SECTION_WORDS[section]) in opens
            everything = all(item in rule for rule in REQUIRED.values())
            assert named or everything or item not in needed, (item, section)
    assert set(consent_wording.SECTION_WORDS) == set(Section.values)


def test_the_questions_are_in_vietnamese_on_vietnamese_pages(case):
    with translation.override("vi"):
        form = forms.ConsentForm(case=case)
        label = str(form.fields[ConsentItem.INTERVIEW].label)
        help_text = str(form.fields[ConsentItem.INTERVIEW].help_text)
    assert "Hotline VN" in label
    assert label.startswith("Người này có đồng ý")
    assert help_text.startswith("Cần có")


def test_the_page_shows_the_questions(case, client, alice):
    sign_in(client, alice)
    page = client.get(f"/en/staff/cases/{case.pk}/consent/").content.decode()
    assert "Does the person agree that Hotline VN talks with them" in page
    assert "Needed before anything can be shared" in page
