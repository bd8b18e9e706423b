from django.urls import path

from haven.hub import views

app_name = "hub"
urlpatterns = [
    path("", views.home, name="home"),
    path("articles/", views.library, name="library"),
    path("articles/<slug:slug>/", views.article, name="article"),
    path("help/", views.help_index, name="help"),
    path("help/<str:country>/", views.help_country, name="help_country"),
    path("search/", views.search_page, name="search"),
]
