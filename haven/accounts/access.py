"""The one place that enforces roles and data scope, for pages and the API alike.

Outsiders get 404, the same answer as for something that does not exist; a member whose role
lacks a capability gets 403.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import urlencode
from django_otp import user_has_device

from haven.accounts.models import Organisation, User
from haven.accounts.roles import Capability, Role


def two_factor_satisfied(user) -> bool:
    """Verified with a second factor, or allowed without one (and not enrolled in one)."""
    if user.is_verified():
        return True
    return not user.requires_two_factor and not user_has_device(user, confirmed=True)


def next_two_factor_step(user) -> str:
    if user_has_device(user, confirmed=True):
        return reverse("accounts:verify")
    return reverse("accounts:enrol")


def has_capability(user, capability: Capability) -> bool:
    return user.is_authenticated and capability in user.capabilities


def require_capability(user, capability: Capability) -> None:
    if not has_capability(user, capability):
        raise PermissionDenied


def staff_view(capability: Capability | None = None, *, before_password_change: bool = False):
    """Page decorator: signed in, second factor done, own password chosen, capability held;
    never cached. `before_password_change`: the page a member must reach to choose it."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not two_factor_satisfied(user):
                query = urlencode({"next": request.get_full_path()})
                return redirect(f"{next_two_factor_step(user)}?{query}")
            if user.must_change_password and not before_password_change:
                query = urlencode({"next": request.get_full_path()})
                return redirect(f"{reverse('accounts:password')}?{query}")
            if capability is not None:
                require_capability(user, capability)
            response = view(request, *args, **kwargs)
            add_never_cache_headers(response)
            return response

        return wrapped

    return decorator


def organisations_visible_to(user):
    if has_capability(user, Capability.SYSTEM_ADMIN):
        return Organisation.objects.all()
    return Organisation.objects.filter(pk=user.organisation_id)


def access_organisation(user, organisation_id) -> Organisation:
    try:
        return organisations_visible_to(user).get(pk=organisation_id)
    except (Organisation.DoesNotExist, ValidationError, ValueError):
        raise Http404 from None


def access_member(user, member_id) -> User:
    """A colleague the user may manage: same organisation (or any, for a system administrator)."""
    try:
        member = User.objects.select_related("organisation").get(
            pk=member_id, organisation__in=organisations_visible_to(user)
        )
    except (User.DoesNotExist, ValidationError, ValueError):
        raise Http404 from None
    require_capability(user, Capability.ORG_ADMIN)
    if member.role == Role.SYSADMIN and not has_capability(user, Capability.SYSTEM_ADMIN):
        raise PermissionDenied  # or an organisation administrator could take over the system
    return member
