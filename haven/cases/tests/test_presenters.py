"""The case as a reader may see it: one presenter, the same parts on the page and in the API."""

import re
from datetime import date

import pytest
from django.utils.text import capfirst

from haven.accounts.services import create_api_token
from haven.cases import referrals, services
from haven.cases.access import access_case
from haven.cases.models import Participant, Person, Screening
from haven.cases.presenters import (
    CONTACT_FIELDS,
    IDENTITY_FIELDS,
    PERPETRATOR_FIELDS,
    case_data,
    facts,
    present_case,
)
from haven.cases.tests.helpers import ALL_CONSENT, make_case
from haven.conftest import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(alice):
    case = make_case(alice, consent=ALL_CONSENT)
    victim = case.participants.get()
    services.add_event(
        case, actor=alice, values={"type": "Transit", "country": "KH", "city": "Poipet"}
    )
    services.add_service(case, actor=alice, values={"type": "Health", "objectives": "Check-up"})
    services.add_task(case, actor=alice, title="Call the family", due=date(2020, 1, 1))
    services.add_note(case, actor=alice, body="She is safe at her aunt's house.")
    Screening.objects.create(
        case=case,
        participant=victim,
        questionnaire="adult-labour",
        version=1,
        outcome="strong",
        record="{}",
        screened_by=alice,
    )
    return case


def refer(case, alice, organisation, sections):
    """Referred and accepted: a receiver sees the shared sections only after accepting."""
    referral = referrals.refer(
        case,
        actor=alice,
        to_organisation=organisation,
        reason="AdditionalServicesRequired",
        sections=sections,
    )
    receiver = organisation.members.filter(role="case_manager").first()
    referrals.accept(referral, actor=receiver)
    return referral


def seen_by(user, case):
    return present_case(access_case(user, case.pk, audit=False))


def filled(value) -> bool:
    return value not in (None, "", [], False)


class TestPageAndApiAgree:
    """For a receiver with a partial referral, the page and the API show the same parts."""

    def test_a_partial_referral_shows_the_same_sections_and_fields(
        self, client, case, alice, carol
    ):
        refer(case, alice, carol.organisation, ["summary", "contact", "support"])
        view = seen_by(carol, case)
        token = create_api_token(carol, actor=carol, name="t")[1]
        data = client.get(
            f"/api/v1/cases/{case.pk}", headers={"Authorization": f"Bearer {token}"}
        ).json()
        html = sign_in(client, carol).get(f"/en/staff/cases/{case.pk}/").content.decode()

        # What the presenter decided: the contact section and support, nothing else.
        parts = view.parts()
        # Tasks: the receiver's own (none here), never the owner's.
        assert set(parts) == {"case", "referrals", "people.contact", "services", "tasks"}
        assert parts["people.contact"] == set(CONTACT_FIELDS)

        # The API says exactly that.
        person = data["people"][0]
        api_parts = {"case", "referrals"}
        api_parts |= {name for name in ("summary", "events", "screenings", "services", "tasks")}
        api_parts &= {"case", "referrals", *data}
        sections = ("identity", "contact", "details", "consent")
        api_parts |= {f"people.{name}" for name in sections if name in person}
        assert api_parts == set(parts)
        assert set(person["contact"]) == parts["people.contact"]

        # The page says exactly that: the same sections, the same filled fields.
        headings = set(re.findall(r'<h2 id="(\w+)">', html))
        page_parts = {"summary": "case", "referrals": "referrals", "support": "services"}
        page_parts |= {"events": "events", "screening": "screenings", "tasks": "tasks"}
        assert {page_parts[h] for h in headings if h in page_parts} == parts.keys() - {
            "people.contact"
        }
        people = html.split('aria-labelledby="people"')[1].split("</section>")[0]
        page_labels = {label for label in re.findall(r"<dt>(.*?)</dt>", people)}
        api_labels = {
            str(capfirst(fact.label))
            for fact in facts(case.participants.get().person, person["contact"])
            if filled(fact.value)
        }
        assert api_labels and page_labels == api_labels
        assert case.summary not in html and "summary" not in data

    def test_the_json_is_the_presenter_output(self, case, alice, carol):
        refer(case, alice, carol.organisation, ["summary", "exploitation"])
        view = seen_by(carol, case)
        data = case_data(view)
        assert data["summary"] == case.summary
        assert [event["city"] for event in data["events"]] == ["Poipet"]
        assert [row["outcome"] for row in data["screenings"]] == ["strong"]
        # The receiver's own services and tasks only: none yet, the owner's never.
        assert data["services"] == [] and data["tasks"] == []
        assert set(data["people"][0]) == {"id", "person_id", "pseudonym", "role", "details"}


class TestSectionRules:
    def test_the_owner_sees_every_part(self, case, alice):
        view = seen_by(alice, case)
        assert set(view.parts()) == {
            "case",
            "referrals",
            "summary",
            "events",
            "screenings",
            "services",
            "tasks",
            "people.identity",
            "people.contact",
            "people.details",
            "people.consent",
        }
        assert [task.title for task in view.tasks] == ["Call the family"]

    def test_summary_alone_shows_no_person_and_no_narrative(self, case, alice, carol):
        refer(case, alice, carol.organisation, ["summary"])
        view = seen_by(carol, case)
        # Besides the case, only the receiver's own services and tasks: none yet.
        assert set(view.parts()) == {"case", "referrals", "services", "tasks"}
        assert view.services == [] and view.tasks == []
        assert view.summary is None and view.events is None
        assert view.people[0].shown_facts() == []

    def test_identity_shows_names_not_contacts(self, case, alice, carol):
        refer(case, alice, carol.organisation, ["summary", "identity"])
        person = seen_by(carol, case).people[0]
        assert person.contact is None and person.details is None
        assert {fact.name for fact in person.identity} == set(IDENTITY_FIELDS)
        assert ("First name", "Ngọc Lan") in [
            (str(capfirst(label)), value) for label, value in person.shown_facts()
        ]

    def test_contact_shows_contacts_not_names(self, case, alice, carol):
        refer(case, alice, carol.organisation, ["summary", "contact"])
        person = seen_by(carol, case).people[0]
        assert person.identity is None
        assert {fact.name: fact.value for fact in person.contact}["mobile_phone"] == (
            "+84901234567"
        )

    def test_exploitation_shows_what_happened_but_not_support(self, case, alice, carol):
        refer(case, alice, carol.organisation, ["summary", "exploitation"])
        view = seen_by(carol, case)
        assert view.summary == case.summary
        assert len(view.events) == 1 and len(view.screenings) == 1
        assert view.services == []  # its own only: the owner's support is not shared
        details = {fact.name: fact for fact in view.people[0].details}
        assert details["exploitation_country"].value == "KH"  # a code for the API
        assert details["exploitation_country"].shown == "Cambodia"  # a name for the page
        assert details["control_methods"].shown == "Withholds documents, Debt bondage"

    def test_support_shows_services_but_not_what_happened(self, case, alice, carol):
        refer(case, alice, carol.organisation, ["summary", "support"])
        view = seen_by(carol, case)
        assert [service.objectives for service in view.services] == ["Check-up"]
        assert view.events is None and view.screenings is None and view.summary is None

    def test_a_receiver_never_sees_consent_tasks_or_other_referrals(
        self, case, alice, carol, mallory
    ):
        refer(case, alice, mallory.organisation, ["summary"])
        mine = refer(case, alice, carol.organisation, ["summary", "identity", "contact"])
        view = seen_by(carol, case)
        assert view.tasks == [] and view.people[0].consent is None  # the owner's: never
        assert [referral.pk for referral in view.referrals] == [mine.pk]
        assert len(seen_by(alice, case).referrals) == 2

    def test_a_perpetrators_details_are_their_role_only(self, case, alice):
        perpetrator = services.add_participant(
            case,
            actor=alice,
            role="perpetrator",
            person={"first_name": "Hung"},
            details={"role_details": "Recruiter"},
        )
        view = seen_by(alice, case)
        person = next(p for p in view.people if p.participant.pk == perpetrator.pk)
        assert [fact.name for fact in person.details] == list(PERPETRATOR_FIELDS)
        other = Participant.objects.create(
            case=case, person=Person.objects.create(organisation=case.organisation), role="other"
        )
        person = next(p for p in seen_by(alice, case).people if p.participant.pk == other.pk)
        assert person.details == []


def test_a_files_kind_is_said_in_words():
    from django.utils import translation

    from haven.cases.templatetags.file_kinds import file_kind

    with translation.override("en"):
        assert [str(file_kind(kind)) for kind in ("image", "pdf", "audio", "?")] == [
            "photo",
            "PDF document",
            "sound recording",
            "file",
        ]
    with translation.override("vi"):
        assert str(file_kind("image")) != "photo"
