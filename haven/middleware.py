"""Middleware that keeps the public untraceable and adds the headers every response carries."""

import ipaddress

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.middleware import csrf
from django.utils.translation import gettext as _

from haven.lib import input_checks
from haven.lib.ratelimit import client_key
from haven.views import invalid_input, too_large

# Headers that identify a visitor or their device. Proxies' X-Forwarded-Proto is kept: it only
# says whether the visitor used HTTPS.
CLIENT_HEADERS = (
    "HTTP_USER_AGENT",
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_REAL_IP",
    "HTTP_FORWARDED",
    "HTTP_CLIENT_IP",
    "HTTP_TRUE_CLIENT_IP",
    "HTTP_CF_CONNECTING_IP",
    "HTTP_SEC_CH_UA",
    "HTTP_SEC_CH_UA_MOBILE",
    "HTTP_SEC_CH_UA_PLATFORM",
)


def forget_client_middleware(get_response):
    """Remove the client's address and user agent before any other code can store or log them.

    What remains is `request.client_key`, a daily HMAC of the address for rate limits.
    """

    def middleware(request):
        address = request.META.get("REMOTE_ADDR", "")
        if settings.SECURE_PROXY_SSL_HEADER:
            # Behind our proxy, the address it saw is the last one it appended.
            forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
            address = forwarded.rsplit(",", 1)[-1].strip() or address
        request.client_key = client_key(address)
        request.META["REMOTE_ADDR"] = ""
        for header in CLIENT_HEADERS:
            request.META.pop(header, None)
        return get_response(request)

    return middleware


def client_key_for_lockout(request) -> str | None:
    """For django-axes, which locks by username and client: the client key, never the address.

    axes stores its "IP address" in an address column, so the 128-bit daily HMAC is written in
    IPv6 notation; it is not an address and changes every day.
    """
    key = getattr(request, "client_key", "")
    if len(key) != 32:
        return None
    return str(ipaddress.IPv6Address(bytes.fromhex(key)))


def security_headers_middleware(get_response):
    def middleware(request):
        response = get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or request.path.startswith("/api/"):
            # Nothing a signed-in person sees, and no API answer (receipts, replies), may stay in
            # a browser's or a proxy's cache.
            response.headers["Cache-Control"] = "no-store"
        return response

    return middleware


class CsrfViewMiddleware(csrf.CsrfViewMiddleware):
    """Django's CSRF protection, made to work with `Referrer-Policy: no-referrer`.

    Under that policy browsers send `Origin: null` on same-origin form posts, which Django's
    origin check refuses. A browser also says where a request comes from in `Sec-Fetch-Site`,
    which no page can forge: a null origin is accepted when that says "same-origin" (or is
    missing, in browsers older than 2020), never when it says "cross-site" or "same-site".
    The CSRF token is checked as before in every case.
    """

    def _origin_verified(self, request):
        if request.META.get("HTTP_ORIGIN") == "null":
            return request.META.get("HTTP_SEC_FETCH_SITE", "same-origin") == "same-origin"
        return super()._origin_verified(request)


def request_limits_middleware(get_response):
    """Refuse hostile input before any view, form or parser meets it.

    The body is read up front, so one too large or with too many files or fields gets a 413
    that says so instead of Django's 400 (or, in development, its traceback page). A NUL
    anywhere in the query, or in an API body, and JSON nested too deeply get 422 naming the
    field (400 with the reason on pages; their forms refuse NUL themselves).
    """

    def middleware(request):
        try:
            refusal = _refuse_hostile(request)
        except (RequestDataTooBig, TooManyFilesSent, TooManyFieldsSent):
            return too_large(request)
        return refusal or get_response(request)

    return middleware


def _refuse_hostile(request):
    field = input_checks.field_with_nul(request.GET)
    if field is not None:
        return invalid_input(request, field, _("must not contain the NUL character"))
    if request.method not in ("POST", "PUT", "PATCH"):
        return None
    is_form = (request.content_type or "").startswith(
        ("multipart/form-data", "application/x-www-form-urlencoded")
    )
    if not is_form:
        return _refuse_json(request, "body", request.body)
    request.POST  # noqa: B018 - parsing now is the point
    if not request.path.startswith("/api/"):
        return None
    field = input_checks.field_with_nul(request.POST)
    if field is not None:
        return invalid_input(request, field, _("must not contain the NUL character"))
    for name, uploads in request.FILES.lists():
        for upload in uploads:
            head = upload.read(64)
            upload.seek(0)
            if input_checks.looks_like_json(head):
                refusal = _refuse_json(request, name, upload.read())
                upload.seek(0)
                if refusal:
                    return refusal
    return None


def _refuse_json(request, field: str, data: bytes):
    if not input_checks.looks_like_json(data):
        return None
    if input_checks.json_depth(data) > input_checks.MAX_JSON_DEPTH:
        message = _("is nested deeper than %(depth)d levels") % {
            "depth": input_checks.MAX_JSON_DEPTH
        }
        return invalid_input(request, field, message)
    if request.path.startswith("/api/") and input_checks.json_has_nul(data):
        return invalid_input(request, field, _("must not contain the NUL character"))
    return None
