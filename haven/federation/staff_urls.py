from django.urls import path

from haven.federation import staff_views

app_name = "abroad"
urlpatterns = [
    path("<uuid:case_id>/refer/", staff_views.refer, name="refer"),
    path("referrals/<uuid:referral_id>/hand-over/", staff_views.hand_over, name="handover"),
]
