from django.urls import path

from haven.participation import staff_views

app_name = "participation_staff"
urlpatterns = [
    path("", staff_views.queue, name="queue"),
    path("progress/new/", staff_views.submit_progress, name="submit_progress"),
    path("progress/<int:report_id>/", staff_views.decide_progress, name="decide_progress"),
    path("contributions/<int:contribution_id>/", staff_views.moderate, name="moderate"),
]
