"""A report as its reporter may see it: what they sent, in words, with no internal reference."""

from dataclasses import dataclass
from datetime import datetime

from django.utils.formats import number_format
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from haven.lib import vocabulary
from haven.reports.models import Attachment, Exploitation, Message, Report

FILE_KINDS = {
    "image": gettext_lazy("photo"),
    "pdf": gettext_lazy("document"),
    "text": gettext_lazy("text"),
    "audio": gettext_lazy("recording"),
}


@dataclass(frozen=True)
class Answer:
    question: str
    answer: str
    step: str = ""  # the step of the report form where it is asked (for "Change")


@dataclass(frozen=True)
class ThreadItem:
    from_us: bool
    body: str
    created: datetime
    files: tuple[str, ...]


def describe_file(attachment: Attachment) -> str:
    """ "photo, 120 KB": what kind of file, and how big, never its name (it was not kept)."""
    kind = FILE_KINDS.get(attachment.kind, _("file"))
    size = number_format(max(1, round(attachment.size / 1024)), force_grouping=True)
    return _("%(kind)s, %(size)s KB") % {"kind": kind, "size": size}


def answers_of(values: dict, files: list[str], *, unanswered: str = "") -> list[Answer]:
    """Answers of the report form (cleaned values) question by question, in the form's order.

    Without `unanswered`, questions left empty are skipped; with it, they say so.
    """
    yes_no = {True: _("Yes"), False: _("No"), None: _("I don't know")}
    kinds = dict(Exploitation.choices)
    country = values.get("country") or ""
    contact = values.get("contact") or (_("You chose to stay anonymous.") if not unanswered else "")
    rows = [
        ("where", _("Is someone in danger right now?"), yes_no[bool(values.get("danger_now"))]),
        ("where", _("Country"), vocabulary.country_name(country, get_language() or "en")),
        ("where", _("Province or city"), values.get("province")),
        ("where", _("When did it happen?"), values.get("when")),
        ("what", _("What happened?"), values.get("description")),
        (
            "what",
            _("What do you think is happening?"),
            "; ".join(
                str(kinds[code]) for code in values.get("exploitation_types") or [] if code in kinds
            ),
        ),
        ("who", _("How many people are at risk?"), values.get("people_count")),
        ("who", _("Are there children among them?"), yes_no[values.get("children_involved")]),
        ("contact", _("How we can contact you"), contact),
    ]
    if files:
        rows.append(("files", _("Files"), "; ".join(files)))
    return [
        Answer(question, str(answer) if answer not in ("", None) else unanswered, step)
        for step, question, answer in rows
        if unanswered or answer not in ("", None)
    ]


def reporter_answers(report: Report) -> list[Answer]:
    """What the reporter sent, skipping what they left empty."""
    values = {
        name: getattr(report, name)
        for name in ("danger_now", "province", "when", "description", "people_count")
    }
    values.update(
        country=report.country.code,
        children_involved=report.children_involved,
        exploitation_types=report.exploitation_types,
        contact=report.contact,
    )
    files = [describe_file(a) for a in report.attachments.all() if a.message_id is None]
    return answers_of(values, files)


def reporter_thread(report: Report) -> list[ThreadItem]:
    """The messages the reporter may read (never internal notes), oldest first."""
    messages = report.messages.filter(internal=False).prefetch_related("attachments")
    return [
        ThreadItem(
            from_us=message.author == Message.Author.STAFF,
            body=message.body,
            created=message.created,
            files=tuple(describe_file(a) for a in message.attachments.all()),
        )
        for message in messages
    ]
