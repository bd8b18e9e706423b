"""Forgery protection for public forms without a cookie.

Django's CSRF protection needs a cookie, and the public must leave no cookie behind. A public
form instead carries a signed, time-limited token, and the browser's own Origin and
Sec-Fetch-Site headers (which no page can forge) must not point to another site.
"""

from functools import wraps

from django.core import signing
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

SALT = "haven.public-form"
MAX_AGE = 24 * 60 * 60
FIELD = "form_token"


def form_token() -> str:
    return signing.TimestampSigner(salt=SALT).sign("public-form")


def _same_origin(request) -> bool:
    site = request.META.get("HTTP_SEC_FETCH_SITE")
    if site is not None and site not in ("same-origin", "none"):
        return False
    origin = request.META.get("HTTP_ORIGIN")
    if origin in (None, "null"):
        return True
    return origin == f"{request.scheme}://{request.get_host()}"


def _token_valid(request) -> bool:
    try:
        signing.TimestampSigner(salt=SALT).unsign(request.POST.get(FIELD, ""), max_age=MAX_AGE)
    except signing.BadSignature:
        return False
    return True


def public_form(view):
    """For views with public forms: check origin and token on POST; no cookie is set."""

    @csrf_exempt
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method == "POST" and not (_same_origin(request) and _token_valid(request)):
            message = _(
                "This form has expired or did not come from this site. "
                "Go back, reload the page and try again."
            )
            return render(
                request, "error.html", {"title": _("Form expired"), "message": message}, status=403
            )
        return view(request, *args, **kwargs)

    return wrapped
