"""The JSON API at /api/v1/: token-authenticated, errors as {"detail", "errors"} (STYLE.md)."""

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from haven.accounts.api import TokenAuth
from haven.accounts.api import router as accounts_router
from haven.cases.api import router as cases_router
from haven.cases.api_exchange import router as exchange_router
from haven.hub.api import router as hub_router
from haven.lib.ratelimit import RateLimited
from haven.reports.api import public as reports_router
from haven.reports.api import staff as triage_router
from haven.screening.api import router as screening_router
from haven.stats.api import router as stats_router

api = NinjaAPI(
    title="Haven API",
    version="1",
    description=(
        "Haven's JSON API. Send a personal token as `Authorization: Bearer <token>`; "
        "tokens are made on the staff Tokens page or with `haven create_token USERNAME`."
    ),
    auth=TokenAuth(),
    urls_namespace="api",
    # Swagger UI styles itself inline and draws icons from data: URLs; nothing from elsewhere.
    docs_decorator=csp_update({"style-src": [UNSAFE_INLINE], "img-src": ["data:"]}),
)
api.add_router("", accounts_router)
api.add_router("", hub_router)
api.add_router("", reports_router)
api.add_router("", triage_router)
api.add_router("", screening_router)
# Before cases_router, whose /cases/{case_id} would otherwise take /cases/export.
api.add_router("", exchange_router)
api.add_router("", cases_router)
api.add_router("", stats_router)


def _error(request, status: int, detail: str, errors: list | None = None):
    return api.create_response(request, {"detail": detail, "errors": errors or []}, status=status)


def _field_name(location) -> str:
    # Ninja locates an error as ("body", <parameter>, "field", ...) or ("query", "field").
    location = list(location)
    if location[:1] == ["body"] and len(location) >= 3:
        location = location[2:]
    parts = [str(part) for part in location if part not in ("body", "query", "path", "header")]
    return ".".join(parts) or str(location[-1] if location else "")


@api.exception_handler(ValidationError)
def validation_error(request, exc):
    errors = [
        {"field": _field_name(error.get("loc", ())), "message": error.get("msg", "")}
        for error in exc.errors
    ]
    return _error(request, 422, _("The request has invalid values."), errors)


@api.exception_handler(AuthenticationError)
def authentication_error(request, exc):
    return _error(
        request,
        401,
        _("A valid API token is required: send 'Authorization: Bearer <token>'."),
    )


@api.exception_handler(PermissionDenied)
def permission_denied(request, exc):
    return _error(request, 403, _("Your role does not allow this."))


@api.exception_handler(Http404)
def not_found(request, exc):
    return _error(request, 404, _("Not found."))


@api.exception_handler(RateLimited)
def rate_limited(request, exc):
    response = _error(request, 429, str(exc))
    response["Retry-After"] = str(max(1, exc.retry_after))
    return response


@api.exception_handler(HttpError)
def http_error(request, exc):
    return _error(request, exc.status_code, str(exc))
