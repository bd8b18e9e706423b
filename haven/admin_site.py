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
        )

    def login(self, request, extra_context=None):
        user = request.user
        if user.is_authenticated and not (user.role == Role.SYSADMIN and not user.is_verified()):
            raise PermissionDenied  # signed in, but not a system administrator
        # One login page for everyone, the one with two-factor.
        next_url = request.GET.get("next") or reverse("admin:index")
        return redirect(f"{reverse('accounts:login')}?{urlencode({'next': next_url})}")


class HavenAdminConfig(AdminConfig):
    default_site = "haven.admin_site.HavenAdminSite"
