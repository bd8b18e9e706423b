"""Admin for system administrators; every change goes through the audited services."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from haven.accounts import services
from haven.accounts.models import ApiToken, Organisation, User
from haven.audit.services import record_event


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "org_type",
        "country",
        "receives_public_reports",
        "accepts_cross_border",
    ]
    list_filter = ["org_type", "country", "receives_public_reports"]
    search_fields = ["name"]

    def save_model(self, request, obj, form, change):
        values = {field: form.cleaned_data[field] for field in services.ORGANISATION_FIELDS}
        if change:
            original = Organisation.objects.get(pk=obj.pk)
            services.update_organisation(original, actor=request.user, **values)
        else:
            created = services.create_organisation(actor=request.user, **values)
            obj.pk = created.pk

    def has_delete_permission(self, request, obj=None):
        return False  # organisations are deactivated through their members, never deleted


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "organisation", "role", "is_active", "last_login"]
    list_filter = ["role", "organisation", "is_active"]
    list_select_related = ["organisation"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        ("Profile", {"fields": ["first_name", "last_name", "email"]}),
        ("Access", {"fields": ["organisation", "role", "is_active"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"fields": ["username", "organisation", "role", "password1", "password2"]}),
    ]
    readonly_fields = ["last_login", "date_joined"]

    def save_model(self, request, obj, form, change):
        if change:
            fields = ["first_name", "last_name", "email", "organisation", "role", "is_active"]
            values = {
                field: form.cleaned_data[field] for field in fields if field in form.cleaned_data
            }
            original = User.objects.get(pk=obj.pk)
            services.change_member(original, actor=request.user, **values)
        else:
            created = services.create_member(
                actor=request.user,
                organisation=form.cleaned_data["organisation"],
                username=form.cleaned_data["username"],
                role=form.cleaned_data["role"],
                password=form.cleaned_data["password1"],
                temporary=True,
            )
            obj.pk = created.pk

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            member = User.objects.select_related("organisation").get(pk=id)
            record_event(
                "user.password_set",
                actor=request.user,
                obj=member,
                organisation=member.organisation,
            )
            if member != request.user:
                services.password_reset_by_other(member, actor=request.user)
        return response

    def has_delete_permission(self, request, obj=None):
        return False  # deactivate instead: the audit log keeps referring to the account


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "hint", "created", "expires_at", "last_used_at", "revoked_at"]
    list_select_related = ["user"]
    readonly_fields = [
        "user",
        "name",
        "hint",
        "created",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request, queryset):
        for token in queryset.select_related("user__organisation"):
            services.revoke_api_token(token, actor=request.user)
