"""Project-wide views: the health check and error pages."""

import hmac
import sys

from django.conf import settings
from django.db import connection
from django.db.utils import DatabaseError, InterfaceError, OperationalError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from haven.federation.metrics import OutboxCollector
from haven.jobs.metrics import QueueCollector
from haven.lib.metrics import exposition


@never_cache
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@never_cache
def metrics(request):
    """Prometheus metrics, for the bearer of HAVEN_METRICS_TOKEN only; 404 to anyone else."""
    token = settings.HAVEN_METRICS_TOKEN
    scheme, _, sent = request.headers.get("Authorization", "").partition(" ")
    if not token or scheme != "Bearer" or not hmac.compare_digest(sent.encode(), token.encode()):
        raise Http404
    body, content_type = exposition(QueueCollector(), OutboxCollector())
    return HttpResponse(body, content_type=content_type)


def _error_page(request, status: int, title: str, message: str):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message, "errors": []}, status=status)
    return render(request, "error.html", {"title": title, "message": message}, status=status)


def csrf_failure(request, reason=""):
    message = _(
        "This form has expired or did not come from this site. "
        "Go back, reload the page and try again."
    )
    return _error_page(request, 403, _("Form expired"), message)


def bad_request(request, exception=None):
    message = _("The request could not be understood.")
    return _error_page(request, 400, _("Bad request"), message)


def too_large(request):
    message = _(
        "What you sent is too large: at most %(count)d files, each up to %(size)d MB, and "
        "%(form)d MB of other data. Go back, send fewer or smaller files, and try again."
    ) % {
        "count": settings.HAVEN_MAX_ATTACHMENTS,
        "size": settings.HAVEN_ATTACHMENT_MAX_MB,
        "form": settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024),
    }
    return _error_page(request, 413, _("Too much at once"), message)


def invalid_input(request, field: str, message: str):
    """422 naming the field for the API; for pages, 400 with the same reason."""
    if request.path.startswith("/api/"):
        errors = [{"field": field, "message": message}]
        detail = _("The request has invalid values.")
        return JsonResponse({"detail": detail, "errors": errors}, status=422)
    reason = _("“%(field)s” %(message)s.") % {"field": field, "message": message}
    return _error_page(request, 400, _("Bad request"), reason)


def permission_denied(request, exception=None):
    message = _(
        "Your role does not allow this. Ask your organisation's administrator if you need it."
    )
    return _error_page(request, 403, _("Not allowed"), message)


def page_not_found(request, exception=None):
    message = _("There is nothing at this address.")
    return _error_page(request, 404, _("Page not found"), message)


def server_error(request):
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        return database_unavailable(request)
    message = _("Something went wrong on our side. Please try again in a moment.")
    return _error_page(request, 500, _("Server error"), message)


def database_unavailable(request):
    """The database connection was lost mid-request (a restart, a fail-over, a cut): the
    request's transaction is rolled back, so 503 with Retry-After tells apps to send it again."""
    message = _("Haven is busy for a moment. Please try again in a few seconds.")
    try:
        response = _error_page(request, 503, _("Try again"), message)
    except DatabaseError:  # the page's own context needs the database
        response = HttpResponse(message, status=503, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = "2"
    return response
