"""The demo's cross-border side: a Vietnamese case whose person agreed to sharing abroad, referred
to a Thai organisation, so that `make run-federation` starts with a referral waiting at Shelter
BKK. The live federation tests and bench/federation.py make their cases and tokens here too.

Everything is fictional.
"""

from django.db import transaction

from haven.accounts.models import User
from haven.accounts.services import create_api_token
from haven.cases import referrals, services
from haven.cases.models import ConsentItem
from haven.federation.models import Peer, PeerState
from haven.federation.referrals import refer_abroad

PERSON = {
    "first_name": "Thu Ha",
    "second_name": "Dang Thi",
    "birthdate": "2003-05-14",
    "gender": "Feminine",
    "citizenship": ["VN"],
    "mobile_phone": "+84912000111",
    "mailing_city": "Thanh Hoa",
}
DETAILS = {
    "trafficking_status": "PossibleVictimOfTrafficking",
    "exploitation_types": ["ForcedLabour"],
    "control_methods": ["WithholdsDocuments"],
    "recruitment_methods": ["ThroughOnlineSocialNetworks"],
    "exploitation_country": "TH",
    "age_when_trafficked": 21,
}
SUMMARY = (
    "Fictional: recruited on Facebook for restaurant work in Bangkok, passport kept by the "
    "employer; now in Thailand and asks for shelter there before going home."
)


@transaction.atomic
def consenting_case(actor: User):
    """A Vietnamese case with one person who agreed to every item, sharing abroad included."""
    case = services.open_case(actor=actor, country="VN", summary=SUMMARY)
    participant = services.add_participant(
        case, actor=actor, role="victim", person=dict(PERSON), details=dict(DETAILS)
    )
    answers = dict.fromkeys(ConsentItem.values, True)
    referrals.record_consent(case, participant.person, actor=actor, answers=answers)
    return case


def refer_demo_case(username: str = "alice", organisation_name: str = "Shelter BKK"):
    """Refer a new consenting case to the first peer listing `organisation_name`."""
    actor = User.objects.get(username=username)
    for peer in Peer.objects.filter(state=PeerState.ACTIVE):
        for listed in peer.document.get("organisations", []):
            if listed.get("name") == organisation_name:
                return refer_abroad(
                    consenting_case(actor),
                    actor=actor,
                    peer=peer.name,
                    organisation=str(listed["id"]),
                    reason="AdditionalServicesRequired",
                    sections=["summary", "identity", "contact", "exploitation"],
                    details="Fictional: she asks for a shelter in Bangkok and help to go home.",
                )
    raise LookupError(f"No active peer lists {organisation_name}.")


def api_token(username: str) -> str:
    user = User.objects.get(username=username)
    return create_api_token(user, actor=user, name="federation demo")[1]
