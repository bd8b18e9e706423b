from django.urls import path

from haven.participation import staff_consultations, staff_spreadsheets, staff_views

app_name = "participation_staff"
urlpatterns = [
    path("", staff_views.queue, name="queue"),
    path("spreadsheets/", staff_spreadsheets.spreadsheets_page, name="spreadsheets"),
    path("spreadsheets/progress.csv", staff_spreadsheets.own_progress_csv, name="own_progress_csv"),
    path("spreadsheets/progress/", staff_spreadsheets.import_progress, name="import_progress"),
    path(
        "spreadsheets/commitments/",
        staff_spreadsheets.import_commitments,
        name="import_commitments",
    ),
    path("progress/new/", staff_views.submit_progress, name="submit_progress"),
    path("progress/<int:report_id>/", staff_views.decide_progress, name="decide_progress"),
    path("contributions/<int:contribution_id>/", staff_views.moderate, name="moderate"),
    path("consultations/", staff_consultations.consultations, name="consultations"),
    path("consultations/new/", staff_consultations.create, name="create_consultation"),
    path(
        "consultations/<int:consultation_id>/",
        staff_consultations.consultation,
        name="consultation",
    ),
    path(
        "consultations/<int:consultation_id>/contribute/",
        staff_consultations.contribute,
        name="contribute",
    ),
    path(
        "consultations/<int:consultation_id>/phase/",
        staff_consultations.change_phase,
        name="change_phase",
    ),
    path("proposals/<int:contribution_id>/answer/", staff_consultations.answer, name="answer"),
]
