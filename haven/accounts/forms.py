"""Forms for signing in, two-factor, API tokens and team management."""

from django import forms
from django.contrib.auth.forms import PasswordChangeForm
from django.utils.translation import gettext_lazy as _

from haven.accounts.models import User
from haven.accounts.roles import ASSIGNABLE_BY_ORG_ADMIN, Role
from haven.accounts.services import RECOVERY_ALPHABET, normalise_code


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("6-digit code from your authenticator app"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_code(self):
        code = self.cleaned_data["code"].replace(" ", "")
        if len(code) != 6 or not code.isdigit():
            raise forms.ValidationError(_("Enter the 6 digits shown in your authenticator app."))
        return code


class SignInCodeForm(CodeForm):
    """The sign-in's second step: a code from the app, or one of the recovery codes."""

    code = forms.CharField(
        label=_("6-digit code from your authenticator app, or a recovery code"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )

    def clean_code(self):
        code = normalise_code(self.cleaned_data["code"])
        if len(code) == 6 and code.isdigit():
            return code
        if len(code) == 10 and set(code) <= set(RECOVERY_ALPHABET):
            return code
        raise forms.ValidationError(
            _("Enter the 6 digits shown in your authenticator app, or one of your recovery codes.")
        )


class NewPasswordForm(PasswordChangeForm):
    """A member's own password change, which must not keep the password someone gave them."""

    def clean(self):
        cleaned = super().clean()
        new = cleaned.get("new_password2")
        if new and new == cleaned.get("old_password"):
            self.add_error(
                "new_password2",
                forms.ValidationError(
                    _("Choose a new password, not the one you have now."),
                    code="password_unchanged",
                ),
            )
        return cleaned


class TokenForm(forms.Form):
    VALIDITY_CHOICES = [
        ("30", _("30 days")),
        ("90", _("90 days")),
        ("365", _("1 year")),
        ("", _("No expiry")),
    ]
    name = forms.CharField(
        label=_("What is this token for?"),
        max_length=100,
        help_text=_("For example: monthly statistics export."),
    )
    valid_days = forms.TypedChoiceField(
        label=_("Valid for"),
        choices=VALIDITY_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        initial="90",
    )


def _role_choices(actor):
    if actor.role == Role.SYSADMIN:
        return Role.choices
    return [(role.value, role.label) for role in ASSIGNABLE_BY_ORG_ADMIN]


class MemberCreateForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "email", "role"]

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = _role_choices(actor)
        self.fields["email"].required = False


class MemberChangeForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "email", "role", "is_active"]
        labels = {"is_active": _("Active (can sign in)")}

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.fields["role"].choices = _role_choices(actor)
        if self.instance.role == Role.SYSADMIN and actor.role != Role.SYSADMIN:
            self.fields["role"].disabled = True

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk == self.actor.pk:
            if cleaned.get("is_active") is False:
                self.add_error("is_active", _("You cannot deactivate your own account."))
            if cleaned.get("role") not in (None, self.instance.role):
                self.add_error("role", _("You cannot change your own role."))
        return cleaned
