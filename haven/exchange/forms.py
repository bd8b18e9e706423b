"""The export choice and the import upload on the staff exchange page."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class ExportForm(forms.Form):
    # choice → (format, extended)
    FORMATS = {
        "xlsx": ("xlsx", False),
        "csv-excel": ("csv", False),
        "csv": ("csv", False),
        "csv-extended": ("csv", True),
        "json": ("json", False),
    }
    format = forms.ChoiceField(
        label=_("Format"),
        widget=forms.RadioSelect,
        initial="xlsx",
        choices=[
            ("xlsx", _("Excel workbook, laid out like the HTCDS template (.xlsx)")),
            ("csv-excel", _("CSV for Excel: the 38 HTCDS columns, Vietnamese letters kept")),
            ("csv", _("CSV: the 38 HTCDS columns, for other systems")),
            ("csv-extended", _("CSV with every Haven column, to move cases between Havens")),
            ("json", _("JSON: whole cases with every person, event and service")),
        ],
    )


class ImportForm(forms.Form):
    file = forms.FileField(label=_("File to import"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "An HTCDS workbook (.xlsx), CSV or JSON file, up to %(limit)s MB."
        ) % {"limit": settings.HAVEN_ATTACHMENT_MAX_MB}

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if getattr(upload, "too_large", False):
            raise forms.ValidationError(
                _(
                    "The file is larger than %(limit)s MB. Split it, or ask the administrator "
                    "to import it with the command haven import_htcds."
                )
                % {"limit": settings.HAVEN_ATTACHMENT_MAX_MB}
            )
        return upload
