"""The queue in the admin (system administrators only): what waits, what failed and why."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from haven.jobs.models import PeriodicRun
from haven.jobs.queue import RETRIED, queue_summary

admin.site.unregister(DBTaskResult)


class FinalFailureFilter(admin.SimpleListFilter):
    title = _("outcome")
    parameter_name = "outcome"

    def lookups(self, request, model_admin):
        return [("failed", _("Failed for good")), ("retried", _("Failed, retried later"))]

    def queryset(self, request, queryset):
        if self.value() == "failed":
            return queryset.failed().exclude(exception_class_path=RETRIED)
        if self.value() == "retried":
            return queryset.filter(exception_class_path=RETRIED)
        return queryset


@admin.register(DBTaskResult)
class JobAdmin(DBTaskResultAdmin):
    list_display = ("task_name", "status", "error", "enqueued_at", "run_after", "finished_at")
    list_filter = ("status", FinalFailureFilter, "queue_name")

    @admin.display(description=_("error"))
    def error(self, obj):
        # Haven's jobs store the kind of error and the attempt, never an exception's message.
        lines = obj.traceback.strip().splitlines()
        return lines[-1] if lines else ""

    def changelist_view(self, request, extra_context=None):
        queue = queue_summary()
        minutes = int(queue.oldest_ready_age.total_seconds() // 60)
        extra_context = {**(extra_context or {}), "queue": queue, "oldest_minutes": minutes}
        return super().changelist_view(request, extra_context)


@admin.register(PeriodicRun)
class PeriodicRunAdmin(admin.ModelAdmin):
    list_display = ("name", "enqueued_at", "result_id")
    readonly_fields = ("name", "period", "enqueued_at", "result_id")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
