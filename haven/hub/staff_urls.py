from django.urls import path

from haven.hub import staff_views

app_name = "hub_staff"
urlpatterns = [
    path("", staff_views.service_list, name="services"),
    path("add/", staff_views.service_add, name="service_add"),
    path("<uuid:service_id>/", staff_views.service_edit, name="service_edit"),
]
