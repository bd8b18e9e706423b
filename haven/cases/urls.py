from django.urls import path

from haven.cases import referral_views, screening_views, section_views, views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.new_case, name="new"),
    path("tasks/", views.task_list, name="tasks"),
    path("from-report/<uuid:report_id>/", views.from_report, name="from_report"),
    path("referrals/", referral_views.referral_list, name="referrals"),
    *[
        path(
            f"referrals/<uuid:referral_id>/{action}/",
            referral_views.respond,
            {"action": action},
            name=action,
        )
        for action in ("accept", "decline", "complete")
    ],
    path("referrals/<uuid:referral_id>/revoke/", referral_views.revoke, name="revoke"),
    path("referrals/<uuid:referral_id>/transfer/", referral_views.transfer, name="transfer"),
    path("referrals/<uuid:referral_id>/messages/", referral_views.message, name="message"),
    path("<uuid:case_id>/", views.detail, name="detail"),
    path("<uuid:case_id>/edit/", views.edit, name="edit"),
    path("<uuid:case_id>/close/", views.close, name="close"),
    path("<uuid:case_id>/reopen/", views.reopen, name="reopen"),
    path("<uuid:case_id>/refer/", referral_views.refer, name="refer"),
    path("<uuid:case_id>/people/new/", section_views.add_person, name="add_person"),
    path(
        "<uuid:case_id>/people/<uuid:participant_id>/",
        section_views.edit_person,
        name="edit_person",
    ),
    path("<uuid:case_id>/events/new/", section_views.add_event, name="add_event"),
    path("<uuid:case_id>/services/new/", section_views.add_service, name="add_service"),
    path(
        "<uuid:case_id>/services/<uuid:service_id>/",
        section_views.service_outcome,
        name="service_outcome",
    ),
    path("<uuid:case_id>/consent/", section_views.record_consent, name="consent"),
    path(
        "<uuid:case_id>/consent/<uuid:person_id>/withdraw/",
        section_views.withdraw_consent,
        name="withdraw_consent",
    ),
    path("<uuid:case_id>/notes/", section_views.add_note, name="add_note"),
    path("<uuid:case_id>/screen/", screening_views.screen, name="screen"),
    path(
        "<uuid:case_id>/screenings/<uuid:screening_id>/",
        screening_views.screening,
        name="screening",
    ),
    path("<uuid:case_id>/tasks/new/", section_views.add_task, name="add_task"),
    path("<uuid:case_id>/tasks/<uuid:task_id>/done/", section_views.task_done, name="task_done"),
    path("<uuid:case_id>/files/new/", section_views.add_attachment, name="add_attachment"),
    path(
        "<uuid:case_id>/files/<uuid:attachment_id>/",
        section_views.attachment,
        name="attachment",
    ),
]
