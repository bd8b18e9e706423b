from django.urls import path

from haven.participation import consultation_views, scope_views, views

app_name = "participation"
urlpatterns = [
    path("", views.commitments, name="commitments"),
    path("instrument/<slug:slug>/", scope_views.instrument, name="instrument"),
    path("country/<str:code>/", scope_views.country, name="country"),
    path("area/<slug:area>/", scope_views.area, name="area"),
    path("meeting/<slug:slug>/", scope_views.meeting, name="meeting"),
    path("<slug:code>/", views.commitment, name="commitment"),
]
consultation_urls = (
    [
        path("", consultation_views.consultations, name="consultations"),
        path("<int:consultation_id>/", consultation_views.consultation, name="consultation"),
        path("<int:consultation_id>/response/", consultation_views.response, name="response"),
        path(
            "<int:consultation_id>/response.csv",
            consultation_views.response_csv,
            name="response_csv",
        ),
    ],
    "consultations",
)
