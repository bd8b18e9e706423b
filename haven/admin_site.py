"""The Django admin, for system administrators who have passed two-factor only."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from haven.accounts.roles import Role


class HavenAdminSite(admin.AdminSite):
    site_header = "Haven"
    site_title = "Haven"

    def has_permission(self, request):
        user = request.user
        return (
            user.is_active
            and user.is_authenticated
            and user.role == Role.SYSADMIN
            and user.is_verified()
            and not user.must_change_password
        )

    def login(self, request, extra_context=None):
        user = request.user
        next_url = request.GET.get("next") or reverse("admin:index")
        if user.is_authenticated and user.role == Role.SYSADMIN and user.is_verified():
            if user.must_change_password:  # the temporary password is changed first, as anywhere
                return redirect(f"{reverse('accounts:password')}?{urlencode({'next': next_url})}")
            raise PermissionDenied
        if user.is_authenticated and user.role != Role.SYSADMIN:
            raise PermissionDenied  # signed in, but not a system administrator
        # One login page for everyone, the one with two-factor.
        return redirect(f"{reverse('accounts:login')}?{urlencode({'next': next_url})}")


class HavenAdminConfig(AdminConfig):
    default_site = "haven.admin_site.HavenAdminSite"
