from django.urls import path

from haven.screening import staff_views, views

app_name = "screening"
urlpatterns = [
    path("self-check/", views.self_check, name="self_check"),
    path("self-check/report/", views.self_check_report, name="self_check_report"),
    path("job-check/", views.job_check, name="job_check"),
    path("staff/screening/", staff_views.index, name="staff_index"),
    path("staff/screening/<slug:questionnaire_id>/", staff_views.screen, name="screen"),
]
