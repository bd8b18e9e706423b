from django.urls import path

from haven.hub import staff_review

app_name = "hub_review"
urlpatterns = [
    path("", staff_review.translations, name="translations"),
    path("<str:language>/<slug:slug>/", staff_review.translation, name="translation"),
    path("<str:language>/<slug:slug>/review/", staff_review.mark_reviewed, name="review"),
    path("<str:language>/<slug:slug>/corrections/", staff_review.propose, name="propose"),
    path(
        "<str:language>/<slug:slug>/corrections/<int:correction_id>/",
        staff_review.decide,
        name="decide",
    ),
    path(
        "<str:language>/<slug:slug>/corrections/<int:correction_id>/file/",
        staff_review.export,
        name="export",
    ),
]
