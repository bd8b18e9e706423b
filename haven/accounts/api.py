"""The accounts part of the JSON API: token authentication, who am I, organisations."""

from datetime import timedelta
from uuid import UUID

from django.utils import timezone
from ninja import Router, Schema
from ninja.security import HttpBearer, SessionAuth

from haven.accounts.access import access_organisation, two_factor_satisfied
from haven.accounts.models import TOKEN_PREFIX, ApiToken, hash_token

# Writing last_used_at on every call would turn each read into a write; once a while is enough.
LAST_USED_PRECISION = timedelta(minutes=5)


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        if not token.startswith(TOKEN_PREFIX) or len(token) > 100:
            return None
        api_token = (
            ApiToken.objects.usable()
            .select_related("user__organisation")
            .filter(digest=hash_token(token))
            .first()
        )
        if api_token is None:
            return None
        now = timezone.now()
        if api_token.last_used_at is None or now - api_token.last_used_at > LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        request.user = api_token.user
        return api_token.user


class StaffSessionAuth(SessionAuth):
    """A signed-in staff page's session, for the endpoints the pages themselves call: second
    factor done and own password chosen, as `staff_view` asks. CSRF is checked on every unsafe
    request that carries the session cookie; without the cookie, this says nothing (401)."""

    def _get_key(self, request):
        if self.param_name not in request.COOKIES:
            return None
        return super()._get_key(request)

    def authenticate(self, request, key):
        user = request.user
        if not key or not user.is_authenticated or not user.is_active:
            return None
        if not two_factor_satisfied(user) or user.must_change_password:
            return None
        return user


class OrganisationOut(Schema):
    id: UUID
    name: str
    org_type: str
    country: str
    receives_public_reports: bool

    @staticmethod
    def resolve_country(obj) -> str:
        return str(obj.country)


class MeOut(Schema):
    username: str
    name: str
    role: str
    capabilities: list[str]
    organisation: OrganisationOut | None


router = Router(tags=["accounts"])


@router.get("/me", response=MeOut, summary="Who this token belongs to")
def me(request):
    user = request.auth
    return {
        "username": user.username,
        "name": user.display_name(),
        "role": user.role,
        "capabilities": sorted(user.capabilities),
        "organisation": user.organisation,
    }


@router.get(
    "/organisations/{organisation_id}",
    response=OrganisationOut,
    summary="An organisation the token's owner belongs to (404 for any other)",
)
def organisation(request, organisation_id: str):
    return access_organisation(request.auth, organisation_id)
