"""Request bodies of the cases API, generated from the page forms that hold the rules."""

from django.utils import translation
from pydantic import Field, StrictBool, create_model

from haven.cases.forms import (
    CaseForm,
    ConsentVersionForm,
    EventForm,
    MessageForm,
    NewCaseForm,
    NoteForm,
    ParticipantForm,
    PersonForm,
    ReferralForm,
    ResponseForm,
    ServiceForm,
)
from haven.cases.models import ConsentItem
from haven.cases.services import PARTICIPANT_FIELDS
from haven.lib.schemas import FormSchema, schema_from_form

# The API names people and organisations where the page offers a list to pick from.
CASE_WORKER = (str | None, Field(None, description="The username of a case worker of yours"))
PARTICIPANT = (str | None, Field(None, description="The id of a person in the case (people.id)"))

CaseIn = schema_from_form(
    NewCaseForm,
    init={"organisation_id": None},
    name="CaseIn",
    defaults={"source": "walk_in", "risk": "medium", "opened": None},  # opened: today
    fields={"case_worker": CASE_WORKER},
)
CaseChangeIn = schema_from_form(
    CaseForm,
    init={"organisation_id": None},
    name="CaseChangeIn",
    partial=True,
    fields={"case_worker": CASE_WORKER},
)
PersonIn = schema_from_form(PersonForm, name="PersonIn")
PersonChangeIn = schema_from_form(PersonForm, name="PersonChangeIn", partial=True)
DetailsIn = schema_from_form(
    ParticipantForm, init={}, name="ParticipantDetailsIn", partial=True, exclude=("role",)
)
PersonAddIn = schema_from_form(
    ParticipantForm,
    init={},
    name="PersonAddIn",
    exclude=PARTICIPANT_FIELDS,  # leaves the role
    fields={"person": (PersonIn | None, None), "details": (DetailsIn | None, None)},
)
PersonUpdateIn = schema_from_form(
    ParticipantForm,
    init={},
    name="PersonUpdateIn",
    exclude=("role", *PARTICIPANT_FIELDS),
    fields={"person": (PersonChangeIn | None, None), "details": (DetailsIn | None, None)},
)
EventIn = schema_from_form(EventForm, name="EventIn", fields={"participant": PARTICIPANT})
ServiceIn = schema_from_form(
    ServiceForm,
    name="ServiceIn",
    defaults={"outcome": None},  # planned
    fields={
        "participant": PARTICIPANT,
        "provider": (str | None, Field(None, description="The name of the organisation")),
    },
)
NoteIn = schema_from_form(NoteForm, name="NoteIn")
MessageIn = schema_from_form(MessageForm, name="ReferralMessageIn")
ReferralIn = schema_from_form(
    ReferralForm,
    name="ReferralIn",
    fields={"to_organisation": (str | None, Field(None, description="The organisation's id"))},
    required=("to_organisation",),
)
ResponseIn = schema_from_form(ResponseForm, name="ReferralResponseIn")

with translation.override("en"):
    ConsentAnswersIn = create_model(
        "ConsentAnswersIn",
        __base__=FormSchema,
        **{
            item: (StrictBool | None, Field(None, description=str(label)))
            for item, label in ConsentItem.choices
        },
    )
ConsentIn = schema_from_form(
    ConsentVersionForm,
    name="ConsentIn",
    fields={
        "person_id": (str | None, Field(None, description="The person's id (people.person_id)")),
        "answers": (ConsentAnswersIn | None, Field(None, description="{item: true or false}")),
    },
    required=("person_id", "answers"),
)
