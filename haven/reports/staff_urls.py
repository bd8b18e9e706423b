from django.urls import path

from haven.reports import staff_views

app_name = "reports_staff"
urlpatterns = [
    path("", staff_views.queue, name="queue"),
    path("assign/", staff_views.assign_many, name="assign_many"),
    path("<uuid:report_id>/", staff_views.detail, name="detail"),
    path("<uuid:report_id>/status/", staff_views.set_status, name="status"),
    path("<uuid:report_id>/messages/", staff_views.add_message, name="message"),
    path("<uuid:report_id>/assign/", staff_views.assign, name="assign"),
    path(
        "<uuid:report_id>/attachments/<uuid:attachment_id>/",
        staff_views.attachment,
        name="attachment",
    ),
]
