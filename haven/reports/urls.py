from django.urls import path

from haven.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.start, name="start"),
    path("new/", views.new, name="new"),
    path("check/", views.check, name="check"),
    path("follow-up/", views.follow_up, name="follow_up"),
]
