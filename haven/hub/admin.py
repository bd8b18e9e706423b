"""Admin for articles and help-lines; saving re-indexes them for search."""

from django.contrib import admin

from haven.hub.content import index_article, index_country, index_service
from haven.hub.models import Article, HelpLine, Service


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "language", "kind", "reviewed", "published"]
    list_filter = ["language", "kind", "published"]
    search_fields = ["slug", "title"]
    readonly_fields = ["slug", "language", "updated"]

    def has_add_permission(self, request):
        return False  # articles come from content/ files, in both languages

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        index_article(obj)


@admin.register(HelpLine)
class HelpLineAdmin(admin.ModelAdmin):
    list_display = ["country", "number", "kind", "verified", "verified_on"]
    list_filter = ["country", "kind", "verified"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        index_country(str(obj.country))


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "country", "kind", "published"]
    list_filter = ["country", "kind", "published"]
    list_select_related = ["organisation"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        index_service(obj)
