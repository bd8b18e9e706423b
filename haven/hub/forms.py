from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from haven.hub.models import Service
from haven.lib import vocabulary


class ServiceForm(forms.ModelForm):
    class Meta:
        model = Service
        fields = [
            "name",
            "kind",
            "country",
            "province",
            "description",
            "phone",
            "hours",
            "languages",
            "published",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = vocabulary.country_choices(
            get_language(), codes=vocabulary.ASEAN
        )

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        allowed = set("0123456789 +-()")
        if phone and (set(phone) - allowed or sum(c.isdigit() for c in phone) < 3):
            raise forms.ValidationError(
                _("Write the number with digits, spaces and an optional + only.")
            )
        return phone


class CorrectionForm(forms.Form):
    body = forms.CharField(
        label=_("Corrected text of the whole article (Markdown)"),
        widget=forms.Textarea(attrs={"rows": 16}),
        max_length=50_000,
        error_messages={"required": _("Write the corrected text; it cannot be empty.")},
    )

    def clean_body(self):
        body = self.cleaned_data["body"].replace("\r\n", "\n").strip()
        if not body:
            raise forms.ValidationError(_("Write the corrected text; it cannot be empty."))
        return body
