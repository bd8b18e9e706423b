"""The unread count in the staff header."""

from haven.notifications.services import unread_count


def notifications(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or "/staff/" not in request.path_info:
        return {}
    # Lazy: the header asks for it once, pages that do not show it cost no query.
    return {"unread_notifications": lambda: unread_count(user)}
