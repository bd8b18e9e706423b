"""Peers and the outbox in the admin (system administrators only): failed messages stand out."""

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from haven.federation.models import OutboxMessage, OutboxState, Peer, PeerState
from haven.federation.peers import set_state


@admin.register(Peer)
class PeerAdmin(admin.ModelAdmin):
    list_display = ("name", "country", "base_url", "state", "fingerprint", "refreshed")
    list_filter = ("state", "country")
    readonly_fields = ("name", "country", "base_url", "document", "fingerprint", "refreshed")
    fields = (*readonly_fields, "state")
    actions = ["suspend", "resume"]

    def has_add_permission(self, request):
        return False  # a peer is pinned with `haven add_peer`, which checks its document

    def save_model(self, request, obj, form, change):
        set_state(obj, obj.state)

    @admin.action(description=_("Suspend: no message in or out"))
    def suspend(self, request, queryset):
        for peer in queryset:
            set_state(peer, PeerState.SUSPENDED)
        self.message_user(request, _("Suspended."), messages.SUCCESS)

    @admin.action(description=_("Resume traffic"))
    def resume(self, request, queryset):
        for peer in queryset:
            set_state(peer, PeerState.ACTIVE)
        self.message_user(request, _("Resumed."), messages.SUCCESS)


@admin.register(OutboxMessage)
class OutboxAdmin(admin.ModelAdmin):
    list_display = ("id", "peer", "kind", "state", "attempts", "last_error", "next_attempt")
    list_filter = ("state", "peer", "kind")
    readonly_fields = ("id", "peer", "kind", "attempts", "last_error", "created", "delivered")
    fields = (*readonly_fields, "state", "next_attempt")
    actions = ["retry"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Try again from the first attempt"))
    def retry(self, request, queryset):
        count = queryset.exclude(state=OutboxState.DELIVERED).update(
            state=OutboxState.PENDING, attempts=0, next_attempt=timezone.now()
        )
        text = ngettext(
            "%(count)d message queued again.", "%(count)d messages queued again.", count
        )
        self.message_user(request, text % {"count": count})
