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
from haven.exchange.api import router as exchange_router
from haven.federation.api import router as federation_router
from haven.hub.api import router as hub_router
from haven.lib.ratelimit import RateLimited
from haven.notifications.api import router as notifications_router
from haven.participation.api import router as participation_router
from haven.participation.consultations_api import router as consultations_router
from haven.reports.api import public as reports_router
from haven.reports.api import staff as triage_router
from haven.screening.api import router as screening_router
from haven.stats.api import router as stats_router
from haven.workspace.api import router as workspace_router

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
api.add_router("", federation_router)
api.add_router("", cases_router)
api.add_router("", stats_router)
api.add_router("", participation_router)
api.add_router("", consultations_router)
api.add_router("", notifications_router)
api.add_router("", workspace_router)


def _error(request, status: int, detail: str, errors: list | None = None):
    return api.create_response(request, {"detail": detail, "errors": errors or []}, status=status)


def _field_name(location) -> str:
    # Ninja locates an error as ("body", <parameter>, "field", ...) or ("query", "field").
    location = list(location)
    if location[:1] == ["body"] and len(location) >= 3:
        location = location[2:]
    parts = [str(part) for part in location if part not in ("body", "query", "path", "header")]
    return ".".join(parts) or str(location[-1] if location else "")


def _pydantic_message(error: dict) -> str | None:
    """Pydantic's own messages in plain words and the reader's language; None for ours."""
    kind, limits = error.get("type", ""), error.get("ctx") or {}
    if kind == "missing":
        return _("is required")
    if kind == "extra_forbidden":
        return _("unknown field")
    if kind in ("literal_error", "enum"):
        return _("must be one of: %s") % limits.get("expected", "")
    if kind in ("string_too_long", "too_long"):
        return _("must have at most %s characters") % limits.get("max_length", "")
    if kind in ("string_too_short", "too_short"):
        return _("must have at least %s characters") % limits.get("min_length", "")
    if kind == "greater_than_equal":
        return _("must be at least %s") % limits.get("ge", "")
    if kind == "less_than_equal":
        return _("must be at most %s") % limits.get("le", "")
    if not kind.endswith(("_type", "_parsing", "_invalid")):
        return None
    expected = {
        "string": _("must be a text"),
        "int": _("must be a whole number"),
        "float": _("must be a number"),
        "decimal": _("must be a number"),
        "bool": _("must be true or false"),
        "date": _("must be a date as YYYY-MM-DD"),
        "datetime": _("must be a date and time as YYYY-MM-DDTHH:MM"),
        "list": _("must be a list"),
        "dict": _("must be a JSON object"),
        "model": _("must be a JSON object"),
        "uuid": _("must be an identifier (UUID)"),
        "json": _("is not valid JSON"),
    }
    return expected.get(kind.split("_")[0])


@api.exception_handler(ValidationError)
def validation_error(request, exc):
    errors = [
        {
            "field": _field_name(error.get("loc", ())),
            "message": _pydantic_message(error) or error.get("msg", ""),
        }
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
