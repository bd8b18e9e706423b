from django.urls import path

from haven.federation import views

app_name = "federation"
urlpatterns = [path("inbox", views.inbox, name="inbox")]
