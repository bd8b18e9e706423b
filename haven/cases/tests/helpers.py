"""Small builders for case tests: a case with one victim, consent given or not."""

from haven.cases import referrals, services
from haven.cases.sharing import HTCDS_ITEMS

ALL_CONSENT = dict.fromkeys(HTCDS_ITEMS, True)  # the seven of HTCDS; not sharing abroad
VICTIM = {
    "first_name": "Ngọc Lan",
    "second_name": "Tran Thi",
    "birthdate": "2004-03-09",
    "gender": "Feminine",
    "citizenship": ["VN"],
    "mobile_phone": "+84901234567",
    "mailing_city": "Nghe An",
    "identity_number": "038204001234",
}
VICTIM_DETAILS = {
    "trafficking_status": "PossibleVictimOfTrafficking",
    "exploitation_types": ["ForcedLabour"],
    "control_methods": ["WithholdsDocuments", "DebtBondage"],
    "recruitment_methods": ["ThroughOnlineSocialNetworks"],
    "exploitation_country": "KH",
    "age_when_trafficked": 19,
}


def make_case(actor, *, consent=None, **values):
    values = {"country": "VN", "summary": "Recruited through Facebook for a job abroad.", **values}
    case = services.open_case(actor=actor, **values)
    participant = services.add_participant(
        case, actor=actor, role="victim", person=dict(VICTIM), details=dict(VICTIM_DETAILS)
    )
    if consent:
        referrals.record_consent(case, participant.person, actor=actor, answers=consent)
    return case
