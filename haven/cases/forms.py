"""Forms for case workers. They validate; the services in `haven.cases` write."""

from datetime import date

from django import forms
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from haven.accounts.models import Organisation, User
from haven.accounts.roles import CAPABILITIES, Capability
from haven.cases import consent_wording, htcds
from haven.cases.models import (
    Case,
    ConsentItem,
    Participant,
    Person,
    Section,
    ServiceOutcome,
    SupportService,
    TraffickingEvent,
)
from haven.cases.services import PARTICIPANT_FIELDS, PERSON_FIELDS
from haven.lib import contacts, vocabulary
from haven.lib.text import fold
from haven.reports.forms import MemberChoiceField, clean_files

WRITERS = [
    role for role, capabilities in CAPABILITIES.items() if Capability.CASE_WRITE in capabilities
]
DATE = forms.DateInput(attrs={"type": "date"})
BLANK = [("", "—")]


def case_workers(organisation_id):
    return User.objects.filter(
        organisation=organisation_id, role__in=WRITERS, is_active=True
    ).order_by("username")


def _labels(choices) -> dict[str, str]:
    """{label in any language Haven speaks, folded: code} for a picklist."""
    found = {}
    for language in vocabulary.language_codes():
        with translation.override(language):
            for code, label in choices:
                found.setdefault(fold(str(label)).casefold(), code)
    return found


class CodeOrLabel:
    """A choice field that also takes a choice's label, in any language, for its code.

    The pages send codes; the API sends codes (HTCDS system names) and may send "Nữ" or
    "Feminine" for `Feminine`. What is stored is always the code.
    """

    def to_code(self, value):
        if not isinstance(value, str) or not value or self.valid_value(value):
            return value
        return _labels(self.choices).get(fold(value.strip()).casefold(), value)


class CodedChoiceField(CodeOrLabel, forms.TypedChoiceField):
    def to_python(self, value):
        return super().to_python(self.to_code(value))


class CodedMultipleChoiceField(CodeOrLabel, forms.MultipleChoiceField):
    def to_python(self, value):
        if isinstance(value, str):  # from the API: "VN, KH"
            value = [part for part in value.replace(",", ";").split(";") if part.strip()]
        return [self.to_code(item) for item in super().to_python(value)]


def codes(choices, label):
    return CodedMultipleChoiceField(
        label=label, choices=choices, required=False, widget=forms.CheckboxSelectMultiple
    )


def _country_choices():
    return vocabulary.country_choices(get_language() or "en")


def _spoken_language_choices():
    """The region's languages first, as a group, then the others: most people speak one of those."""
    language = get_language() or "en"
    return [
        ("", "—"),
        (_("Viet Nam and South-East Asia"), vocabulary.spoken_language_choices(language, True)),
        (_("Other languages"), vocabulary.spoken_language_choices(language, False)),
    ]


class CountryListField(CodedMultipleChoiceField):
    """Countries chosen by their names; ISO 3166 alpha-2 codes (or names) through the API."""

    schema_type = list[str] | str  # in JSON, a list of codes (or one text: "VN, KH")

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.SelectMultiple(attrs={"size": 6}))
        super().__init__(choices=_country_choices, **kwargs)

    def to_python(self, value):
        if isinstance(value, str):  # "VN, KH", "vn kh", "Việt Nam; Lào"
            parts = []
            for part in value.replace(";", ",").split(","):
                words = part.split()
                codes_only = vocabulary.country_code(part) is None and all(
                    len(word) == 2 for word in words
                )
                parts += words if codes_only else [part]
            value = [part for part in parts if part.strip()]
        return super().to_python(value)

    def to_code(self, value):
        if not isinstance(value, str):
            return value
        return vocabulary.country_code(value) or value.strip().upper()

    def validate(self, value):
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        unknown = [code for code in value if not self.valid_value(code)]
        if unknown:
            raise forms.ValidationError(
                _("Not ISO country codes: %(codes)s"), params={"codes": ", ".join(unknown)}
            )

    def clean(self, value):
        return list(dict.fromkeys(super().clean(value)))


class SpokenLanguageField(CodedChoiceField):
    """A language chosen by its name; an ISO 639 code (or a name) through the API."""

    def __init__(self, **kwargs):
        super().__init__(choices=_spoken_language_choices, required=False, **kwargs)

    def to_code(self, value):
        if not isinstance(value, str) or not value.strip():
            return ""
        return vocabulary.spoken_language_code(value) or value.strip()


class PhoneField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}))
        super().__init__(max_length=contacts.MAX_PHONE_LENGTH, required=False, **kwargs)

    def clean(self, value):
        return contacts.normalize_phone(super().clean(value))


class EmailAddressField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.EmailInput(attrs={"autocomplete": "off"}))
        super().__init__(max_length=254, required=False, **kwargs)

    def clean(self, value):
        return contacts.normalize_email(super().clean(value))


class CaseForm(forms.ModelForm):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            (htcds.CaseStatus.ACTIVE, htcds.CaseStatus.ACTIVE.label),
            (htcds.CaseStatus.FOLLOW_UP, htcds.CaseStatus.FOLLOW_UP.label),
        ],
    )

    class Meta:
        model = Case
        fields = ["status", "case_worker", "country", "risk", "opened", "summary"]
        widgets = {"opened": DATE, "summary": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, organisation_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case_worker"].queryset = case_workers(organisation_id)
        if not self.instance.is_open:
            # A closed case keeps its status here; the Reopen button reopens it.
            status = self.instance.status
            self.fields["status"].choices = [(status, htcds.CaseStatus(status).label)]


class NewCaseForm(CaseForm):
    class Meta(CaseForm.Meta):
        fields = ["source", "case_worker", "country", "risk", "opened", "summary"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["status"]
        self.fields["source"].choices = [
            choice for choice in self.fields["source"].choices if choice[0] not in ("import", "")
        ]


class CloseForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for closure"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    referred = forms.BooleanField(label=_("Closed because it was referred"), required=False)


# Person fields kept as encrypted text: one-line inputs on the form.
PERSON_TEXT_FIELDS = (
    *("salutation", "first_name", "middle_name", "second_name", "identity_number", "title"),
    *("mailing_street", "mailing_city", "mailing_state", "mailing_postal_code"),
)


class PersonForm(forms.ModelForm):
    birthdate = forms.DateField(label=_("Birth date"), required=False, widget=DATE)
    gender = CodedChoiceField(
        label=_("Gender"), choices=BLANK + htcds.Gender.choices, required=False
    )
    marital_status = CodedChoiceField(
        label=_("Marital status"), choices=BLANK + htcds.MaritalStatus.choices, required=False
    )
    education = CodedChoiceField(
        label=_("Highest level of education"),
        choices=BLANK + htcds.Education.choices,
        required=False,
    )
    primary_language = SpokenLanguageField(label=_("Primary language"))
    secondary_language = SpokenLanguageField(label=_("Secondary language"))
    citizenship = CountryListField(
        label=_("Citizenship"),
        required=False,
        help_text=_("Choose one or more countries (hold Ctrl to choose more than one)."),
    )
    email = EmailAddressField(label=_("E-mail"))
    home_phone = PhoneField(label=_("Home phone"))
    mobile_phone = PhoneField(label=_("Mobile phone"))

    class Meta:
        model = Person
        fields = [name for name in PERSON_FIELDS if not name.endswith(("latitude", "longitude"))]
        # Encrypted fields are text columns; on the form they are one-line inputs.
        widgets = {name: forms.TextInput for name in PERSON_TEXT_FIELDS}

    def __init__(self, *args, **kwargs):
        instance = kwargs.get("instance")
        if instance is not None and instance.birthdate:
            kwargs.setdefault("initial", {})["birthdate"] = date.fromisoformat(instance.birthdate)
        super().__init__(*args, **kwargs)
        for name in ("primary_language", "secondary_language"):
            stored = getattr(instance, name, "") if instance is not None else ""
            field = self.fields[name]
            if stored and not field.valid_value(stored):  # imported: kept, shown as its code
                field.choices = [*field.choices, (stored, stored)]

    def values(self) -> dict:
        values = {name: self.cleaned_data[name] for name in self.fields}
        birthdate = values.get("birthdate")
        values["birthdate"] = birthdate.isoformat() if birthdate else ""
        return values


# The JSON list fields of a participant and the picklists their codes come from.
MULTI_SELECTS = {
    "recruitment_methods": htcds.RecruitmentMethod.choices,
    "recruitment_apps": htcds.WebsiteOrApp.choices,
    "control_methods": htcds.ControlMethod.choices,
    "exploitation_types": htcds.ExploitationType.choices,
    "industries": htcds.Industry.choices,
    "sex_exploitation_types": htcds.SexExploitationType.choices,
    "exploitation_apps": htcds.WebsiteOrApp.choices,
    "vulnerabilities": htcds.Vulnerability.choices,
    "roles_in_process": htcds.RoleInProcess.choices,
}


class ParticipantForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, choices in MULTI_SELECTS.items():
            label = Participant._meta.get_field(name).verbose_name
            self.fields[name] = codes(choices, label[:1].upper() + label[1:])
            if self.instance is not None:
                self.initial[name] = getattr(self.instance, name)

    class Meta:
        model = Participant
        fields = ["role", *PARTICIPANT_FIELDS]
        widgets = {
            "exploitation_began": DATE,
            "exploitation_ended": DATE,
            "registered": DATE,
            "vulnerability_details": forms.Textarea(attrs={"rows": 3}),
            "role_details": forms.Textarea(attrs={"rows": 3}),
        }

    def clean(self):
        data = super().clean()
        began, ended = data.get("exploitation_began"), data.get("exploitation_ended")
        if began and ended and ended < began:
            self.add_error("exploitation_ended", _("The end comes before the beginning."))
        return data

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.fields if name != "role"}


class EventForm(forms.ModelForm):
    class Meta:
        model = TraffickingEvent
        fields = ["type", "participant", "date", "country", "state", "city", "street"]
        fields += ["postal_code", "description"]
        widgets = {
            "date": DATE,
            "street": forms.TextInput,
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participant"].queryset = case.participants.select_related("person")


class ServiceForm(forms.ModelForm):
    class Meta:
        model = SupportService
        fields = ["type", "participant", "provider", "objectives", "action_plan"]
        fields += ["planned_end", "actual_end", "outcome"]
        widgets = {
            "planned_end": DATE,
            "actual_end": DATE,
            "objectives": forms.Textarea(attrs={"rows": 2}),
            "action_plan": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participant"].queryset = case.participants.select_related("person")
        self.fields["provider"].queryset = Organisation.objects.all()
        self.fields["outcome"].required = False

    def clean_outcome(self):
        return self.cleaned_data["outcome"] or ServiceOutcome.PLANNED


class OutcomeForm(forms.ModelForm):
    class Meta:
        model = SupportService
        fields = ["outcome", "actual_end"]
        widgets = {"actual_end": DATE}


ANSWERS = [("", _("Not asked")), ("yes", _("Yes")), ("no", _("No"))]


class ConsentVersionForm(forms.Form):
    """What the API takes as a form; the answers are JSON true or false, checked in the view."""

    information_version = forms.CharField(
        label=_("Version of the information given"), max_length=40, required=False
    )


def _person_choice(person) -> str:
    name = person.full_name
    return f"{name} ({person.pseudonym})" if name else person.pseudonym


class ConsentForm(ConsentVersionForm):
    person = forms.ChoiceField(label=_("Person"))
    field_order = ["person", "information_version"]

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the owning organisation records consent, and it sees names: people are chosen
        # by name, with the pseudonym the lists show.
        self.fields["person"].choices = [
            (str(participant.person_id), _person_choice(participant.person))
            for participant in case.participants.exclude(role="perpetrator").select_related(
                "person"
            )
        ]
        organisation = case.organisation.name
        for item in ConsentItem.values:
            self.fields[item] = forms.ChoiceField(
                label=consent_wording.question(item, organisation),
                help_text=consent_wording.what_it_opens(item),
                choices=ANSWERS,
                required=False,
                widget=forms.RadioSelect,
            )

    def clean(self):
        data = super().clean()
        if not any(data.get(item) for item in ConsentItem.values):
            raise forms.ValidationError(_("Answer at least one consent item."))
        return data

    def answers(self) -> dict:
        return {
            item: self.cleaned_data[item] == "yes"
            for item in ConsentItem.values
            if self.cleaned_data.get(item)
        }


class NoteForm(forms.Form):
    body = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), max_length=20_000
    )
    # A receiving organisation's note stays its own unless its staff share it with the owner.
    shared_with_owner = forms.BooleanField(
        label=_("Share this note with the organisation that referred the case"), required=False
    )


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Message"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5_000
    )


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Task"), max_length=500)
    due = forms.DateField(label=_("Due"), widget=DATE)
    assigned_to = MemberChoiceField(
        label=_("Assigned to"), queryset=User.objects.none(), required=False
    )

    def __init__(self, *args, organisation_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].queryset = case_workers(organisation_id)


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"))

    def clean_file(self):
        files = clean_files([self.cleaned_data["file"]])
        return files[0]


class ReferralForm(forms.Form):
    to_organisation = forms.ModelChoiceField(
        label=_("Refer to"), queryset=Organisation.objects.none()
    )
    reason = forms.ChoiceField(label=_("Reason"), choices=htcds.ReferralReason.choices)
    sections = forms.MultipleChoiceField(
        label=_("Share"),
        choices=Section.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only what the person's consent allows can be shared."),
    )
    details = forms.CharField(
        label=_("Details and arrangements"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        required=False,
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_organisation"].queryset = Organisation.objects.exclude(
            pk=case.organisation_id
        )


class ResponseForm(forms.Form):
    note = forms.CharField(
        label=_("Note to the other organisation"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
    )
