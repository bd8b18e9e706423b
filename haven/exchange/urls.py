from django.urls import path

from haven.exchange import views

app_name = "exchange"
urlpatterns = [
    path("", views.page, name="page"),
    path("download/", views.download, name="download"),
    path("import/", views.check, name="check"),
    path("import/confirm/", views.confirm, name="confirm"),
]
