from django.urls import path

from haven.stats import views

app_name = "stats"
urlpatterns = [
    path("", views.public, name="public"),
    path("figure.csv", views.public_csv, name="csv"),
]
