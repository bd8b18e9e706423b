from django.urls import path

from haven.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("<uuid:notification_id>/open/", views.open_notification, name="open"),
    path("read/", views.mark_all_read, name="read_all"),
    path("digest/", views.digest, name="digest"),
]
