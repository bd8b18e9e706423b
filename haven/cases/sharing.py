"""What a referral may share, as a pure function of the consent recorded in the case.

Each section needs some of the seven HTCDS consent items, given and not withdrawn, from every
person in the case who is not a perpetrator (a perpetrator's consent is not asked):

| section | needs |
|---|---|
| summary | interview, purpose |
| exploitation, support | interview, purpose, use of data |
| identity, contact | all of the above, and told of access, retention and withdrawal |

"Research" governs statistics, not referrals. A case with nobody whose consent was asked shares
nothing: record the person and their consent first.
"""

from dataclasses import dataclass

from haven.cases.models import ConsentItem, Section

BASE = frozenset({ConsentItem.INTERVIEW, ConsentItem.PURPOSE})
USE = BASE | {ConsentItem.USE_OF_DATA}
PERSONAL = USE | {ConsentItem.ACCESS, ConsentItem.RETENTION, ConsentItem.WITHDRAWAL}
# HTCDS `con_Consent` is these seven; `cross_border` is Haven's own, asked apart, never implied.
HTCDS_ITEMS = tuple(item for item in ConsentItem.values if item != ConsentItem.CROSS_BORDER)
REQUIRED: dict[str, frozenset[str]] = {
    Section.SUMMARY: BASE,
    Section.EXPLOITATION: USE,
    Section.SUPPORT: USE,
    Section.IDENTITY: PERSONAL,
    Section.CONTACT: PERSONAL,
}


def current_answers(consents) -> dict:
    """{(person id, item): given} from consent rows, the latest non-withdrawn row per item."""
    answers = {}
    for consent in sorted(consents, key=lambda row: row.recorded_at):
        if consent.withdrawn_at is None:
            answers[(consent.person_id, consent.item)] = consent.given
        else:
            answers.pop((consent.person_id, consent.item), None)
    return answers


@dataclass(frozen=True)
class Missing:
    person: str  # pseudonym
    section: str
    items: tuple[str, ...]


def missing_consent(people: dict, consents, sections) -> list[Missing]:
    """What stops `sections` being shared; `people` maps person id to pseudonym."""
    answers = current_answers(consents)
    missing = []
    for section in sections:
        for person_id, pseudonym in people.items():
            lacking = tuple(
                item
                for item in ConsentItem.values
                if item in REQUIRED[section] and answers.get((person_id, item)) is not True
            )
            if lacking:
                missing.append(Missing(pseudonym, section, lacking))
    return missing


def shareable(people: dict, consents) -> set[str]:
    """The sections every consenting person allows; nothing when nobody was asked."""
    if not people:
        return set()
    answers = current_answers(consents)
    return {
        section
        for section, needed in REQUIRED.items()
        if all(answers.get((person, item)) is True for person in people for item in needed)
    }
