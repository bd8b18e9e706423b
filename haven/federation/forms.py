"""The refer-abroad form: the domestic referral form, with a peer's organisation as destination."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from haven.cases.forms import ReferralForm
from haven.federation.models import Peer, PeerState

SEPARATOR = "|"


def destinations() -> list[tuple[str, str]]:
    """The organisations active peers list as accepting cross-border referrals, by country."""
    choices = []
    peers = Peer.objects.filter(state=PeerState.ACTIVE).exclude(base_url=settings.HAVEN_PUBLIC_URL)
    for peer in peers.order_by("country", "name"):
        for organisation in peer.document.get("organisations", []):
            value = f"{peer.name}{SEPARATOR}{organisation.get('id', '')}"
            label = f"{peer.country} · {peer.name}: {organisation.get('name', '')}"
            choices.append((value, label))
    return choices


class CrossBorderForm(ReferralForm):
    destination = forms.ChoiceField(label=_("Refer to (another country)"), choices=())

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, case=case, **kwargs)
        del self.fields["to_organisation"]
        self.fields["destination"].choices = destinations()
        self.order_fields(["destination", "reason", "sections", "details"])

    def refer_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        data["peer"], data["organisation"] = data.pop("destination").split(SEPARATOR, 1)
        return data


class HandoverForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I confirm: the case moves to that organisation for good"),
        error_messages={"required": _("Tick the box to confirm the hand-over.")},
    )
