"""A case as this reader may see it, built once for the case page and the JSON API alike.

`present_case` decides which parts a reader sees (from `CaseAccess`, which knows what a referral
shares); the page renders the result and `case_data` turns the same result into JSON, so a
section hidden from a receiver cannot be hidden in one and shown in the other. A part that is
hidden is None; a part that is shown but empty is an empty list.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from haven.cases import htcds, services
from haven.cases.access import ANSWERED_STATES, CaseAccess, work_of
from haven.cases.forms import MULTI_SELECTS
from haven.cases.models import ConsentItem, Section
from haven.cases.sharing import current_answers
from haven.lib import vocabulary

IDENTITY_FIELDS = ("salutation", "first_name", "middle_name", "second_name", "birthdate")
IDENTITY_FIELDS += ("gender", "citizenship", "identity_number", "title", "marital_status")
IDENTITY_FIELDS += ("number_of_children", "primary_language", "secondary_language", "education")
IDENTITY_FIELDS += ("deceased",)
CONTACT_FIELDS = ("mobile_phone", "home_phone", "email", "mailing_street", "mailing_city")
CONTACT_FIELDS += ("mailing_state", "mailing_postal_code", "mailing_country")
PERPETRATOR_FIELDS = ("roles_in_process", "role_details", "perpetrator_organisation")
VICTIM_FIELDS = tuple(
    name for name in services.PARTICIPANT_FIELDS if name not in ("role", *PERPETRATOR_FIELDS)
)


def display(obj, name):
    """A field's value as a person reads it: labels for codes, joined lists, no empties."""
    field = obj._meta.get_field(name)
    value = getattr(obj, name)
    if value in (None, "", [], False):
        return None
    language = get_language() or "en"
    if name == "citizenship":
        return ", ".join(vocabulary.country_name(code, language) for code in value)
    if name in ("primary_language", "secondary_language"):
        return vocabulary.spoken_language_name(value, language)
    if isinstance(value, list):
        choices = dict(MULTI_SELECTS.get(name, ()))
        return ", ".join(str(choices.get(code, code)) for code in value)
    if field.choices:
        return getattr(obj, f"get_{name}_display")()
    if value is True:
        return _("Yes")
    if hasattr(value, "name"):  # a country
        return value.name
    return value


def stored(obj, name):
    """A field's value as the API sends it: codes as stored, a country as its code."""
    value = getattr(obj, name)
    if hasattr(value, "code"):  # a country
        value = value.code or ""
    return value


@dataclass(frozen=True)
class Fact:
    name: str
    label: str
    value: Any  # as stored: what the API sends
    shown: Any  # as a person reads it: what the page shows; None when empty


def facts(obj, names) -> list[Fact]:
    return [
        Fact(name, obj._meta.get_field(name).verbose_name, stored(obj, name), display(obj, name))
        for name in names
    ]


@dataclass
class PersonView:
    participant: Any
    identity: list[Fact] | None = None
    contact: list[Fact] | None = None
    details: list[Fact] | None = None
    consent: list[tuple] | None = None  # (item, label, given or None): the owner only

    @property
    def person(self):
        return self.participant.person

    def parts(self) -> dict[str, list[Fact]]:
        """The person's shown sections, by name."""
        names = ("identity", "contact", "details")
        return {name: getattr(self, name) for name in names if getattr(self, name) is not None}

    def shown_facts(self) -> list[tuple[str, Any]]:
        """(label, value) of every filled field the reader may see, for the page."""
        return [
            (fact.label, fact.shown)
            for part in self.parts().values()
            for fact in part
            if fact.shown is not None
        ]


def present_person(participant, access: CaseAccess, answers: dict) -> PersonView:
    person = participant.person
    view = PersonView(participant)
    if access.can(Section.IDENTITY):
        view.identity = facts(person, IDENTITY_FIELDS)
    if access.can(Section.CONTACT):
        view.contact = facts(person, CONTACT_FIELDS)
    if access.can(Section.EXPLOITATION):
        names = VICTIM_FIELDS if participant.role == "victim" else PERPETRATOR_FIELDS
        view.details = facts(participant, names if participant.role != "other" else ())
    if access.owner:
        view.consent = [
            (item, label, answers.get((person.pk, item))) for item, label in ConsentItem.choices
        ]
    return view


@dataclass
class CaseView:
    case: Any
    access: CaseAccess
    people: list[PersonView]
    referrals: list
    summary: str | None = None  # the narrative
    events: list | None = None
    screenings: list | None = None
    services: list | None = None
    tasks: list | None = None  # the reader's organisation's own

    @property
    def kinds(self) -> list[str]:
        labels = dict(htcds.ExploitationType.choices)
        return [str(labels.get(code, code)) for code in self.case.exploitation_types]

    def parts(self) -> dict[str, set[str]]:
        """Every part shown, with the fields shown in it: what page and API must agree on."""
        shown = {"case": set(), "referrals": set()}
        for name in ("summary", "events", "screenings", "services", "tasks"):
            if getattr(self, name) is not None:
                shown[name] = set()
        for person in self.people:
            for section, part in person.parts().items():
                shown.setdefault(f"people.{section}", set()).update(f.name for f in part)
            if person.consent is not None:
                shown["people.consent"] = set()
        return shown


def _referrals(case, access: CaseAccess) -> list:
    rows = case.referrals.select_related("to_organisation", "from_organisation")
    if not access.owner:
        rows = rows.filter(pk__in=[referral.pk for referral in access.referrals])
    labels = dict(Section.choices)
    rows = list(rows)
    for referral in rows:
        referral.section_labels = [labels[name] for name in referral.sections]
        # The thread: the owner reads every one; a receiver its own once it has accepted.
        referral.thread = None
        if access.owner or referral.state in ANSWERED_STATES:
            referral.thread = list(referral.messages.select_related("author", "organisation"))
    return rows


def _screenings(case) -> list:
    from haven.screening import questionnaires
    from haven.screening.scoring import Outcome
    from haven.screening.summaries import outcome_label

    language = get_language()
    rows = list(case.screenings.select_related("participant__person"))
    for row in rows:
        try:
            row.title = questionnaires.get(row.questionnaire).title_in(language)
        except questionnaires.UnknownQuestionnaire:
            row.title = row.questionnaire
        row.outcome_label = outcome_label(Outcome(row.outcome), "frontline")
    return rows


def present_case(access: CaseAccess) -> CaseView:
    """The case as `access` allows: the one place that hides what a referral does not share."""
    case = access.case
    answers = current_answers(case.consents.all()) if access.owner else {}
    participants = case.participants.select_related("person")
    view = CaseView(
        case=case,
        access=access,
        people=[present_person(participant, access, answers) for participant in participants],
        referrals=_referrals(case, access),
    )
    if access.can(Section.EXPLOITATION):
        view.summary = case.summary
        view.events = list(case.events.select_related("participant__person"))
        view.screenings = _screenings(case)
    support = case.services.select_related("provider", "participant__person")
    if access.can(Section.SUPPORT):
        view.services = list(support)
    elif not access.owner and not access.pending:
        view.services = list(work_of(support, access))  # its own, when support is not shared
    if not access.pending:  # the owner's tasks; a receiver's own
        view.tasks = list(work_of(case.tasks.select_related("assigned_to"), access))
        # A service reported by another deployment is read-only here.
        ours = case.services.filter(provided_elsewhere="")
        mine = set(work_of(ours, access).values_list("pk", flat=True))
        for service in view.services or []:
            service.mine = service.pk in mine
    return view


AGE_BANDS = (
    (12, "0-11", gettext_lazy("a child under 12")),
    (18, "12-17", gettext_lazy("a child of 12 to 17")),
    (25, "18-24", gettext_lazy("18 to 24")),
    (60, "25-59", gettext_lazy("25 to 59")),
    (None, "60+", gettext_lazy("60 or older")),
)


def age_band(participant, today) -> tuple[str, str]:
    """(code, label) of a person's age now, from the birth date or the age when trafficked."""
    birthdate = participant.person.birthdate
    age = participant.age_when_trafficked
    try:
        born = date.fromisoformat(birthdate) if birthdate else None
    except ValueError:
        born = None
    if born:
        age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    if age is None:
        return "unknown", _("age not known")
    return next((code, label) for limit, code, label in AGE_BANDS if limit is None or age < limit)


def referral_request(access: CaseAccess) -> dict:
    """What a receiver sees before accepting, like a SORMAS share request: why, how urgent,
    where, the age band of the people it concerns and what would be shared. No name, no
    contact, no free text the sender wrote (it may name someone)."""
    case = access.case
    today = date.today()
    victims = case.participants.exclude(role="perpetrator").select_related("person")
    labels = dict(Section.choices)
    referrals = [r for r in access.referrals if r.state == "pending"]
    for referral in referrals:
        referral.section_labels = [labels[name] for name in referral.sections]
    return {
        "case": case,
        "referrals": referrals,
        "ages": [age_band(participant, today) for participant in victims],
    }


def referral_request_data(request: dict) -> dict:
    case = request["case"]
    return {
        "id": str(case.pk),
        "reference": case.reference,
        "state": "pending",
        "risk": case.risk,
        "country": str(case.country),
        "age_bands": [code for code, _label in request["ages"]],
        "referrals": [
            {
                "id": str(r.pk),
                "from_organisation": organisation_name(r.from_organisation, r),
                "reason": r.reason,
                "sections": r.sections,
                "sent_at": r.sent_at,
            }
            for r in request["referrals"]
        ],
    }


# The same views as JSON: codes as stored (HTCDS system names), a hidden part absent.


def case_item(case) -> dict:
    """A case in a list: no personal data."""
    return {
        "id": str(case.pk),
        "reference": case.reference,
        "status": case.status,
        "risk": case.risk,
        "country": str(case.country),
        "opened": case.opened,
        "closed": case.closed,
        "organisation": case.organisation.name,
        "case_worker": case.case_worker.username if case.case_worker else None,
        "exploitation_types": case.exploitation_types,
    }


def person_data(view: PersonView) -> dict:
    out = {
        "id": str(view.participant.pk),
        "person_id": str(view.person.pk),
        "pseudonym": view.person.pseudonym,
        "role": view.participant.role,
    }
    out.update({name: {f.name: f.value for f in part} for name, part in view.parts().items()})
    if view.consent is not None:
        out["consent"] = {item: given for item, _label, given in view.consent}
    return out


def _values(obj, names) -> dict:
    return {name: stored(obj, name) for name in names}


def event_data(event) -> dict:
    return {
        "id": str(event.pk),
        "type": event.type,
        "participant": str(event.participant_id) if event.participant_id else None,
        **_values(event, ("date", "country", "state", "city", "street", "postal_code")),
        "description": event.description,
    }


def service_data(service) -> dict:
    return {
        "id": str(service.pk),
        "type": service.type,
        "participant": str(service.participant_id) if service.participant_id else None,
        "provider": service.provider.name
        if service.provider
        else service.provided_elsewhere or None,
        **_values(service, ("objectives", "action_plan", "planned_end", "actual_end", "outcome")),
    }


def screening_data(screening) -> dict:
    return {
        "id": str(screening.pk),
        "questionnaire": screening.questionnaire,
        "version": screening.version,
        "outcome": screening.outcome,
        "participant": str(screening.participant_id) if screening.participant_id else None,
        "screened_at": screening.screened_at,
    }


def peer_side(referral) -> dict:
    """A cross-border referral's other side: `to_peer` (sent abroad) or `from_peer` (received)."""
    try:
        link = referral.peer_link  # haven.federation.models.PeerReferral
    except ObjectDoesNotExist:
        return {}
    peer = {"name": link.peer.name, "country": link.peer.country, "url": link.peer.base_url}
    if link.handed_over:  # handed over for good (haven.federation.handover)
        peer["handover"] = {
            "at": link.handed_over,
            "message_id": str(link.handover_message) if link.handover_message else None,
            "sections": link.handover_sections,
            "confirmed": link.handover_confirmed,
            "their_reference": link.remote_reference or None,
        }
    if link.incoming:
        return {"from_peer": peer}
    return {"to_peer": dict(peer, organisation=link.organisation_code)}


def organisation_name(organisation, referral) -> str:
    """The local organisation's name, or the peer's organisation for a cross-border side."""
    if organisation is not None:
        return organisation.name
    try:
        return str(referral.peer_link)
    except ObjectDoesNotExist:
        return ""


def referral_data(referral) -> dict:
    return {
        "id": str(referral.pk),
        "case": str(referral.case_id),
        "from_organisation": organisation_name(referral.from_organisation, referral),
        "to_organisation": organisation_name(referral.to_organisation, referral),
        **peer_side(referral),
        "reason": referral.reason,
        "sections": referral.sections,
        "state": referral.state,
        "sent_at": referral.sent_at,
        "responded_at": referral.responded_at,
        "completed_at": referral.completed_at,
        "revoked_at": referral.revoked_at,
        "details": referral.details,
        "response_note": referral.response_note,
    }


def case_data(view: CaseView) -> dict:
    """The JSON of `present_case`: a part the view hides is absent."""
    case = view.case
    out = case_item(case)
    out["shared_sections"] = sorted(view.access.sections)
    out["people"] = [person_data(person) for person in view.people]
    if view.summary is not None:
        out["summary"] = view.summary
    if view.events is not None:
        out["events"] = [event_data(event) for event in view.events]
    if view.screenings is not None:
        out["screenings"] = [screening_data(row) for row in view.screenings]
    if view.services is not None:
        out["services"] = [service_data(service) for service in view.services]
    out["referrals"] = [referral_data(referral) for referral in view.referrals]
    if view.access.owner:
        out.update(source=case.source, closure_reason=case.closure_reason)
    if view.tasks is not None:
        out["tasks"] = [
            {"id": str(task.pk), "title": task.title, "due": task.due, "done_at": task.done_at}
            for task in view.tasks
        ]
    return out
