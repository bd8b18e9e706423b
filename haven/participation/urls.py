from django.urls import path

from haven.participation import views

app_name = "participation"
urlpatterns = [
    path("", views.commitments, name="commitments"),
    path("<slug:code>/", views.commitment, name="commitment"),
]
