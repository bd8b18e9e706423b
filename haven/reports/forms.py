"""Forms for reporters (short, plain, usable without JavaScript) and for triage staff."""

from django import forms
from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from haven.accounts.models import Organisation
from haven.lib import vocabulary
from haven.lib.uploads import CleanFile
from haven.reports.models import ClosedReason, Exploitation, Status
from haven.reports.receipts import BadReceipt, normalize_receipt
from haven.reports.uploads import AttachmentError, clean_attachments

YES_NO_UNKNOWN = [("yes", _("Yes")), ("no", _("No")), ("unknown", _("I don't know"))]


def country_choices():
    pairs = vocabulary.country_choices(get_language(), codes=vocabulary.ASEAN)
    return [*pairs, ("", _("Another country"))]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class DangerForm(forms.Form):
    danger_now = forms.TypedChoiceField(
        label=_("Is someone in danger right now?"),
        choices=[("yes", _("Yes, someone is in danger now")), ("no", _("No, not right now"))],
        widget=forms.RadioSelect,
    )
    country = forms.ChoiceField(
        label=_("Which country is this happening in?"), choices=country_choices
    )
    nationality = forms.ChoiceField(
        label=_("What is the nationality of the person in danger?"),
        help_text=_("So that we can show their embassy and their own country's help-line."),
        choices=country_choices,
        required=False,
    )


def clean_files(uploaded) -> list[CleanFile]:
    try:
        return clean_attachments(uploaded)
    except AttachmentError as error:
        raise forms.ValidationError(str(error)) from None


class ReportForm(forms.Form):
    description = forms.CharField(
        label=_("What happened?"),
        help_text=_("Tell us what you saw or know, in your own words. Names and places help."),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=10_000,
        error_messages={"required": _("Tell us what happened, even in a few words.")},
    )
    country = forms.ChoiceField(label=_("Country"), choices=country_choices, required=False)
    province = forms.CharField(
        label=_("Province or city (if you want)"), max_length=100, required=False
    )
    when = forms.CharField(
        label=_("When did it happen?"),
        help_text=_("For example: yesterday, last month, it is still happening."),
        max_length=200,
        required=False,
    )
    people_count = forms.IntegerField(
        label=_("How many people are at risk?"), min_value=1, max_value=10_000, required=False
    )
    children_involved = forms.ChoiceField(
        label=_("Are there children among them?"),
        choices=YES_NO_UNKNOWN,
        widget=forms.RadioSelect,
        initial="unknown",
    )
    exploitation_types = forms.MultipleChoiceField(
        label=_("What do you think is happening?"),
        help_text=_("Choose all that fit, or none."),
        choices=Exploitation.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    danger_now = forms.BooleanField(label=_("Someone is in danger right now"), required=False)
    contact = forms.CharField(
        label=_("How can we contact you? (only if you want us to)"),
        help_text=_(
            "Leave this empty to stay anonymous. You can always follow up with your receipt."
        ),
        max_length=300,
        required=False,
    )
    files = forms.FileField(
        label=_("Photos, documents or recordings (if you have them)"),
        help_text=_("Photos are cleaned of hidden data such as location before they are stored."),
        widget=MultipleFileInput(attrs={"accept": "image/*,application/pdf,text/plain,audio/*"}),
        required=False,
    )

    # The form is walked one step at a time: each step's fields, in order (templates/reports/new.html).
    STEPS = (
        ("where", ("country", "province", "when", "danger_now")),
        ("what", ("description", "exploitation_types")),
        ("who", ("people_count", "children_involved")),
        ("contact", ("contact",)),
    )

    @classmethod
    def multiple_fields(cls) -> list[str]:
        return [
            name
            for name, field in cls.base_fields.items()
            if isinstance(field, forms.MultipleChoiceField)
        ]

    def steps(self) -> list[dict]:
        """Each step with its number, bound fields and neighbours, for the template."""
        names = [step for step, _fields in self.STEPS]
        return [
            {
                "name": step,
                "number": number,
                "fields": [self[field] for field in fields],
                "previous": names[number - 2] if number > 1 else "",
                "next": names[number] if number < len(names) else "",
            }
            for number, (step, fields) in enumerate(self.STEPS, start=1)
        ]

    def __init__(self, *args, files_list=None, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.files_list = files_list or []
        for name in ("description", "province", "when", "contact", "people_count"):
            # The browser must not remember what was typed here and offer it again later.
            self.fields[name].widget.attrs["autocomplete"] = "off"

    def clean_children_involved(self):
        return {"yes": True, "no": False}.get(self.cleaned_data["children_involved"])

    def clean_files(self):
        return clean_files(self.files_list)

    def clean_country(self):
        # "Another country": the report still reaches the deployment's own organisations.
        return self.cleaned_data["country"] or settings.HAVEN_COUNTRY


def _languages():
    return vocabulary.django_languages()


class ReportApiForm(ReportForm):
    """The report form as the API takes it: the country is required and the language named;
    "children involved" is true, false or null. Files come apart, in a multipart body."""

    country = forms.ChoiceField(label=_("Country"), choices=lambda: country_choices()[:-1])
    language = forms.ChoiceField(
        label=_("Language of the report"), choices=_languages, required=False
    )
    children_involved = forms.NullBooleanField(
        label=_("Are there children among them?"), required=False
    )
    files = None

    def clean_children_involved(self):
        return self.cleaned_data["children_involved"]

    def clean_language(self):
        return self.cleaned_data["language"] or settings.LANGUAGE_CODE


class ReceiptForm(forms.Form):
    receipt = forms.CharField(
        label=_("Your receipt"),
        max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def clean_receipt(self):
        try:
            return normalize_receipt(self.cleaned_data["receipt"])
        except BadReceipt as error:
            raise forms.ValidationError(str(error)) from None


class FollowUpForm(ReceiptForm):
    body = forms.CharField(
        label=_("What do you want to add or answer?"),
        widget=forms.Textarea(attrs={"rows": 4, "autocomplete": "off"}),
        max_length=10_000,
        required=False,
    )
    files = ReportForm.base_fields["files"]

    def __init__(self, *args, files_list=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.files_list = files_list or []

    def clean_files(self):
        return clean_files(self.files_list)

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("body", "").strip() and not data.get("files"):
            self.add_error("body", _("Write something or add a file."))
        return data


class ReporterMessageForm(forms.Form):
    """A reporter's message through the API, where the receipt comes in a header."""

    body = forms.CharField(
        label=_("What do you want to add or answer?"), widget=forms.Textarea, max_length=10_000
    )


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("New status"), choices=[c for c in Status.choices if c[0] != Status.NEW]
    )
    reason = forms.ChoiceField(
        label=_("Reason (when closing)"), choices=[("", "—"), *ClosedReason.choices], required=False
    )
    referred_to = forms.ModelChoiceField(
        label=_("Refer to (when referring)"),
        queryset=Organisation.objects.none(),
        required=False,
    )

    def __init__(self, *args, report, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["referred_to"].queryset = Organisation.objects.exclude(
            pk__in=report.recipients.values("pk")
        )


class StaffMessageForm(forms.Form):
    body = forms.CharField(
        label=_("Message"), widget=forms.Textarea(attrs={"rows": 4}), max_length=10_000
    )
    internal = forms.BooleanField(
        label=_("Internal note (the reporter will not see it)"), required=False
    )


class MemberChoiceField(forms.ModelChoiceField):
    """Colleagues by the name people know them by, never by their username."""

    def label_from_instance(self, obj):
        return obj.display_name()


class AssignForm(forms.Form):
    member = MemberChoiceField(label=_("Assign to"), queryset=None, required=False)

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members.order_by("first_name", "last_name", "username")
