"""Middleware that keeps the public untraceable and adds the headers every response carries."""

import ipaddress

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.middleware import csrf

from haven.lib.ratelimit import client_key
from haven.views import too_large

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
    """Read the body up front, so that one too large or with too many files or fields gets a
    413 that says so, instead of Django's 400 (or, in development, its traceback page) from
    whichever code happened to read it first."""

    def middleware(request):
        if request.method in ("POST", "PUT", "PATCH"):
            try:
                if (request.content_type or "").startswith(
                    ("multipart/form-data", "application/x-www-form-urlencoded")
                ):
                    request.POST  # noqa: B018 - parsing is the point
                    request.FILES  # noqa: B018
                else:
                    request.body  # noqa: B018
            except (RequestDataTooBig, TooManyFilesSent, TooManyFieldsSent):
                return too_large(request)
        return get_response(request)

    return middleware
