"""Statistics sources in the admin (system administrators only): publish or withdraw open data.

A source's records come from `haven import_ctdc`; here it can only be seen, published to the
public or withdrawn, each change audited.
"""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from haven.stats.ctdc import set_published
from haven.stats.models import CASES, Source


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ("name", "format", "rows_loaded", "published", "loaded_at")
    list_filter = ("published", "format")
    readonly_fields = (
        "name",
        "format",
        "file_name",
        "rows_read",
        "rows_loaded",
        "rows_refused",
        "refusals",
        "version",
        "loaded_at",
        "published",
    )
    exclude = ("fingerprint", "tallied")
    actions = ["publish", "withdraw"]

    def get_queryset(self, request):
        # Haven's own cases are rebuilt by themselves and published under their own rules.
        return super().get_queryset(request).exclude(name=CASES)

    def has_add_permission(self, request):
        return False  # sources come from `haven import_ctdc`

    def has_delete_permission(self, request, obj=None):
        return False  # a cascade would skip the audit; withdraw instead

    def _change(self, request, queryset, published: bool) -> int:
        changed = 0
        for source in queryset.exclude(name=CASES):
            changed += set_published(source, published, actor=request.user, via="admin")
        return changed

    @admin.action(description=_("Publish the selected sources to the public"))
    def publish(self, request, queryset):
        changed = self._change(request, queryset, True)
        message = ngettext("%(n)d source published.", "%(n)d sources published.", changed)
        self.message_user(request, message % {"n": changed}, messages.SUCCESS)

    @admin.action(description=_("Withdraw the selected sources from the public"))
    def withdraw(self, request, queryset):
        changed = self._change(request, queryset, False)
        message = ngettext("%(n)d source withdrawn.", "%(n)d sources withdrawn.", changed)
        self.message_user(request, message % {"n": changed}, messages.SUCCESS)
