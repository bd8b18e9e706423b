from django.urls import path

from haven.stats import views

app_name = "stats_staff"
urlpatterns = [
    path("", views.staff_dashboard, name="dashboard"),
    path("figure.csv", views.staff_csv, name="csv"),
    path("ctdc.csv", views.ctdc_export, name="ctdc"),
]
