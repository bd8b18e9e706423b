"""Fictional progress reports on the real commitments, so that the public pages have a history.

Hotline VN (its administrator `oscar`) leads a few commitments and reports on them; `dave` at the
Ministry validates. Every narrative here is invented for the demonstration."""

from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from haven.accounts.models import Organisation, User
from haven.participation.content import load_commitments
from haven.participation.models import Commitment, Consultation, Contribution, ProgressReport
from haven.participation.services import submit_progress, validate_progress

LED_BY_HOTLINE = ["actip-art-11", "actip-art-14-1", "bohol-a", "bohol-b", "apa-b"]
# (commitment, period, status, text, decision, reason)
HISTORY = [
    ("bohol-a", "2025-H1", "in_progress", "Demo: leaflets on fake job offers given out in two "
     "border provinces.", "validate", "Matches the distribution records."),
    ("bohol-a", "2025-H2", "in_progress", "Demo: the leaflets were read aloud on commune radio in "
     "four districts.", "validate", "Confirmed by the radio schedule."),
    ("bohol-a", "2026-H1", "ongoing", "Demo: a job-offer check is now on Haven.", "", ""),
    ("bohol-b", "2025-H2", "in_progress", "Demo: hotline staff trained on identifying victims.",
     "send_back", "Please say how many staff were trained."),
    ("bohol-b", "2026-H1", "in_progress", "Demo: 24 hotline staff trained on identifying "
     "victims.", "validate", "Number given; matches the attendance list."),
    ("actip-art-14-1", "2025-H2", "completed", "Demo: the hotline's identification checklist "
     "follows the national guidelines.", "validate", "Checklist seen."),
    ("apa-b", "2026-H1", "not_started", "Demo: planning a referral directory.", "", ""),
]  # fmt: skip


@transaction.atomic
def create_demo_progress() -> int:
    """Load the commitments if needed, give Hotline VN its own, add the history once."""
    if not Commitment.objects.exists():
        load_commitments(Path(settings.BASE_DIR) / "content" / "commitments")
    if ProgressReport.objects.exists():
        return 0
    hotline = Organisation.objects.filter(name="Hotline VN").first()
    oscar = User.objects.filter(username="oscar").first()
    dave = User.objects.filter(username="dave").first()
    if hotline is None or oscar is None or dave is None:
        return 0
    Commitment.objects.filter(code__in=LED_BY_HOTLINE).update(lead_organisation=hotline)
    count = 0
    for code, period, status, text, decision, reason in HISTORY:
        commitment = Commitment.objects.filter(code=code).first()
        if commitment is None:
            continue
        report = submit_progress(oscar, commitment, period=period, status=status, text=text)
        if decision:
            validate_progress(dave, report, decision=decision, reason=reason)
        count += 1
    return count


CONSULTATIONS = [
    {
        "title": "Demo: draft provincial plan on safe migration",
        "summary": "A fictional draft: how the province will warn people about fake job offers "
        "and help those who come back.",
        "sections": [
            ("Information", "Information in every commune before the harvest season."),
            ("Return", "A desk at the bus station for people coming back from abroad."),
            ("Reporting", "A yearly report on what was done."),
        ],
        "status": "open",
        "days": (-5, 40),
        "comments": [
            (1, "Please put the information on commune radio too, not only on posters.",
             "published"),
            (2, "The desk should open in the evening, when the buses arrive.", "pending"),
        ],
        "amendment": (2, "A desk at the bus station, open in the evening, for people coming "
                      "back from abroad, with a social worker who speaks their language.", ""),
        "response": "",
    },
    {
        "title": "Demo: draft guide on referring victims between provinces",
        "summary": "A fictional draft guide for case managers.",
        "sections": [
            ("Who calls whom", "The case manager calls the receiving province's hotline."),
            ("What is shared", "The case summary is shared with the receiving organisation."),
        ],
        "status": "published",
        "days": (-90, -30),
        "comments": [(2, "Say clearly that the victim decides what is shared.", "published")],
        "amendment": (2, "The case summary is shared with the receiving organisation only with "
                      "the person's agreement.", "partly_accepted"),
        "response": "We heard that consent must come first. We changed section 2: nothing is "
        "shared without the person's agreement, except to save a life.",
    },
]  # fmt: skip


def _demo_contributions(consultation, item, carol, alice) -> None:
    for section, body, moderation in item["comments"]:
        Contribution.objects.create(consultation=consultation, kind="comment", section=section,
                                    body=body, moderation=moderation)  # fmt: skip
    if carol is None:
        return
    section, body, answer = item["amendment"]
    proposal = Contribution.objects.create(
        consultation=consultation, kind="amendment", section=section, body=body,
        organisation=carol.organisation, author=carol, moderation="published", answer=answer,
        answer_reason="Demo: yes to consent; a life in danger comes first." if answer else "",
    )  # fmt: skip
    if alice is not None:
        Contribution.objects.create(consultation=consultation, kind="support", section=section,
                                    proposal=proposal, organisation=alice.organisation,
                                    author=alice, moderation="published")  # fmt: skip


@transaction.atomic
def create_demo_consultations() -> int:
    """One open and one answered consultation from the Ministry, once."""
    dave = User.objects.filter(username="dave").first()
    if dave is None or Consultation.objects.exists():
        return 0
    carol = User.objects.filter(username="carol").first()
    alice = User.objects.filter(username="alice").first()
    today = timezone.localdate()
    for item in CONSULTATIONS:
        before, after = item["days"]
        consultation = Consultation.objects.create(
            title=item["title"],
            summary=item["summary"],
            sections=[{"title": title, "body": body} for title, body in item["sections"]],
            languages=["vi", "en"],
            opens=today + timedelta(days=before),
            closes=today + timedelta(days=after),
            status=item["status"],
            response=item["response"],
            organisation=dave.organisation,
            created_by=dave,
        )
        _demo_contributions(consultation, item, carol, alice)
    return len(CONSULTATIONS)
