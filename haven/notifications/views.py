"""The staff notification list: open one (marks it read), mark all read, the daily e-mail."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from haven.accounts.access import staff_view
from haven.lib.pagination import CappedPaginator
from haven.notifications import services


def localised(link: str) -> str:
    return f"/{get_language()}{link}" if link else ""


@staff_view()
def notification_list(request):
    notifications = services.notifications_of(request.user)
    if request.GET.get("show") == "unread":
        notifications = notifications.unread()
    page = CappedPaginator(notifications, 25).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "show": request.GET.get("show", ""),
        "digest": services.digest_enabled(request.user),
    }
    return render(request, "notifications/list.html", context)


@require_POST
@staff_view()
def open_notification(request, notification_id):
    notification = services.notifications_of(request.user).filter(pk=notification_id).first()
    if notification is None:  # another member's, or none: the same answer
        raise Http404
    services.mark_read(request.user, [notification.pk])
    return redirect(localised(notification.link) or "notifications:list")


@require_POST
@staff_view()
def mark_all_read(request):
    count = services.mark_read(request.user)
    messages.success(request, _("Marked as read: %(count)d.") % {"count": count})
    return redirect("notifications:list")


@require_POST
@staff_view()
def digest(request):
    enabled = request.POST.get("enabled") == "1"
    services.set_digest(request.user, enabled)
    if enabled:
        messages.success(request, _("You will get a daily e-mail when things wait for you."))
    else:
        messages.success(request, _("You will get no daily e-mail."))
    return redirect("notifications:list")
