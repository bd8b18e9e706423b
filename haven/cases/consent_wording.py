"""The HTCDS consent items, and sharing abroad, as questions a case worker reads out.

Each question names who receives the information and what for, and says which referrals it
opens (from the rules in `sharing.py`), so that nobody has to know what "use of data" means.
"""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from haven.cases.models import ConsentItem, Section
from haven.cases.sharing import REQUIRED

QUESTIONS = {
    ConsentItem.INTERVIEW: _(
        "Does the person agree that %(organisation)s talks with them about what happened, "
        "to protect and help them?"
    ),
    ConsentItem.PURPOSE: _(
        "Has the person been told why %(organisation)s asks these questions and what it "
        "will do with the answers?"
    ),
    ConsentItem.USE_OF_DATA: _(
        "Does the person agree that %(organisation)s keeps what they said in a case file and "
        "may pass parts of it to other organisations that help them (a shelter, a clinic, "
        "legal aid), each time only the parts they agree to?"
    ),
    ConsentItem.RESEARCH: _(
        "Does the person agree that counts without their name (age group, country, kind of "
        "exploitation) are used to study trafficking and published as statistics?"
    ),
    ConsentItem.ACCESS: _(
        "Has the person been told that they may ask %(organisation)s at any time to see "
        "what it holds about them?"
    ),
    ConsentItem.RETENTION: _(
        "Has the person been told how long %(organisation)s keeps their information, and "
        "when it is deleted?"
    ),
    ConsentItem.WITHDRAWAL: _(
        "Has the person been told that they can change their mind at any time, and how to "
        "tell %(organisation)s?"
    ),
    ConsentItem.CROSS_BORDER: _(
        "Does the person agree that %(organisation)s may send the parts they agree to to an "
        "organisation in another country (for example a shelter or a service at home), to help "
        "them there?"
    ),
}

SECTION_WORDS = {
    Section.SUMMARY: _("the summary"),
    Section.EXPLOITATION: _("what happened"),
    Section.SUPPORT: _("the support plan"),
    Section.IDENTITY: _("names and identity"),
    Section.CONTACT: _("contact details"),
}


def question(item: str, organisation: str) -> str:
    return QUESTIONS[item] % {"organisation": organisation}


def what_it_opens(item: str):
    """One line under the question: the referrals that need a yes to it."""
    sections = [section for section, needed in REQUIRED.items() if item in needed]
    if item == ConsentItem.CROSS_BORDER:
        return _("Needed only to refer the case to an organisation in another country.")
    if not sections:
        return _(
            "Not needed to refer the case. A no keeps this person out of the published "
            "statistics and the research export."
        )
    if len(sections) == len(REQUIRED):
        return _("Needed before anything can be shared with another organisation.")
    return format_lazy(
        _("Needed to share: {sections}."),
        sections=", ".join(str(SECTION_WORDS[section]) for section in sections),
    )
