"""Cases in HTCDS 2.0 terms: a case, the people in it, what happened, the help, the consent.

Field names follow the standard (`cas_Status` is `Case.status`, `vic_MethodsOfControl` is
`Participant.control_methods`); codes are stored as HTCDS system names. Multi-select picklists
are JSON lists of codes. Anything that names, locates or describes a person is encrypted, and
list pages show a case's reference and a person's pseudonym only.

One module per meaning; everything is importable from `haven.cases.models` as before.
"""

from haven.cases.models.case import (
    ALPHABET,
    Case,
    Risk,
    Source,
    new_case_reference,
    new_pseudonym,
    work_owner,
)
from haven.cases.models.consent import Consent, ConsentItem
from haven.cases.models.people import Participant, ParticipantRole, Person, TraffickingEvent
from haven.cases.models.referral import (
    LIVE_STATES,
    VISIBLE_STATES,
    Handover,
    Referral,
    ReferralState,
    Section,
)
from haven.cases.models.work import (
    Attachment,
    Change,
    Note,
    Screening,
    ServiceOutcome,
    SupportService,
    Task,
)
from haven.cases.thread import ReferralMessage

__all__ = [
    "ALPHABET",
    "LIVE_STATES",
    "VISIBLE_STATES",
    "Attachment",
    "Case",
    "Change",
    "Consent",
    "ConsentItem",
    "Handover",
    "Note",
    "Participant",
    "ParticipantRole",
    "Person",
    "Referral",
    "ReferralMessage",
    "ReferralState",
    "Risk",
    "Screening",
    "Section",
    "ServiceOutcome",
    "Source",
    "SupportService",
    "Task",
    "TraffickingEvent",
    "new_case_reference",
    "new_pseudonym",
    "work_owner",
]
