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


def reporter_answers(report: Report) -> list[Answer]:
    """What the reporter sent, question by question, skipping what they left empty."""
    yes_no = {True: _("Yes"), False: _("No"), None: _("I don't know")}
    kinds = dict(Exploitation.choices)
    rows = [
        (_("Is someone in danger right now?"), yes_no[report.danger_now]),
        (_("Country"), vocabulary.country_name(report.country.code, get_language() or "en")),
        (_("Province or city"), report.province),
        (_("When did it happen?"), report.when),
        (_("What happened?"), report.description),
        (_("How many people are at risk?"), report.people_count or ""),
        (_("Are there children among them?"), yes_no[report.children_involved]),
        (
            _("What do you think is happening?"),
            "; ".join(str(kinds[code]) for code in report.exploitation_types if code in kinds),
        ),
        (_("How we can contact you"), report.contact or _("You chose to stay anonymous.")),
    ]
    files = [describe_file(a) for a in report.attachments.all() if a.message_id is None]
    if files:
        rows.append((_("Files"), "; ".join(files)))
    return [Answer(question, str(answer)) for question, answer in rows if answer not in ("", None)]


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
