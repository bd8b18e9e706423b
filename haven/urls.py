from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from haven import views
from haven.api import api
from haven.federation import views as federation_views
from haven.participation.urls import consultation_urls

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("metrics", views.metrics, name="metrics"),
    path("api/v1/", api.urls),
    path(
        ".well-known/haven-federation.json",
        federation_views.identity_document,
        name="federation-identity",
    ),
    path("federation/v1/", include("haven.federation.urls")),
    path("admin/", admin.site.urls),
]
urlpatterns += i18n_patterns(
    path("", include("haven.hub.urls")),
    path("report/", include("haven.reports.urls")),
    path("", include("haven.screening.urls")),
    path("staff/services/", include("haven.hub.staff_urls")),
    path("staff/translations/", include("haven.hub.review_urls")),
    path("staff/triage/", include("haven.reports.staff_urls")),
    path("staff/cases/exchange/", include("haven.exchange.urls")),
    path("staff/cases/abroad/", include("haven.federation.staff_urls")),
    path("staff/cases/", include("haven.cases.urls")),
    path("stats/", include("haven.stats.urls")),
    path("commitments/", include("haven.participation.urls")),
    path("consultations/", include(consultation_urls)),
    path("staff/stats/", include("haven.stats.staff_urls")),
    path("staff/participation/", include("haven.participation.staff_urls")),
    path("staff/notifications/", include("haven.notifications.urls")),
    path("staff/", include("haven.workspace.urls")),
    path("staff/", include("haven.accounts.urls")),
)

handler400 = "haven.views.bad_request"
handler403 = "haven.views.permission_denied"
handler404 = "haven.views.page_not_found"
handler500 = "haven.views.server_error"
