"""Victims written straight to the case tables: statistics read only these columns."""

from datetime import date

from haven.accounts.models import Organisation
from haven.cases.models import Case, Consent, ConsentItem, Participant, Person


def add_victims(organisation_name: str, n: int, *, person=None, case=None, **details) -> list:
    organisation = Organisation.objects.get(name=organisation_name)
    made = []
    for _ in range(n):
        values = {"country": "VN", "opened": date(2024, 5, 1), **(case or {})}
        new_case = Case.objects.create(organisation=organisation, **values)
        someone = Person.objects.create(
            organisation=organisation,
            **{"gender": "Feminine", "citizenship": ["VN"], **(person or {})},
        )
        fields = {
            "registered": values["opened"],
            "age_when_trafficked": 19,
            "exploitation_country": "KH",
            "exploitation_types": ["ForcedLabour"],
            "control_methods": ["WithholdsDocuments", "DebtBondage"],
            **details,
        }
        made.append(
            Participant.objects.create(case=new_case, person=someone, role="victim", **fields)
        )
    return made


def refuse_research(participant, given=False):
    return Consent.objects.create(
        case=participant.case, person=participant.person, item=ConsentItem.RESEARCH, given=given
    )
