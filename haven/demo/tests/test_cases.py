"""The demo cases of `haven seed_demo`: alive, varied, fictional, encrypted, made once."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from haven.accounts.models import User
from haven.audit.models import Event
from haven.audit.services import verify_chain
from haven.cases.access import cases_visible_to
from haven.cases.models import Case, Change, Participant, Person, Referral, ReferralState, Task
from haven.demo.cases import (
    DEMO_MARK,
    PHONE_PREFIX,
    create_demo_cases,
    demo_organisations,
    plan_demo_cases,
    unlogged_queries,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def demo(django_db_setup, django_db_blocker):
    """Made once for the module (it takes seconds), and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        made = create_demo_cases()
        yield made
        transaction.set_rollback(True)


def demo_cases():
    return Case.objects.filter(organisation__in=demo_organisations().values())


def test_it_makes_about_200_cases(demo):
    assert demo == 200
    assert demo_cases().count() == 200
    by_key = {
        key: demo_cases().filter(organisation=organisation).count()
        for key, organisation in demo_organisations().items()
    }
    assert by_key["hotline"] + by_key["shelter"] > 150
    assert 0 < by_key["outsider"] < 40
    assert by_key["ministry"] == 0


def test_every_case_has_a_victim():
    assert not demo_cases().exclude(participants__role="victim").exists()
    assert Participant.objects.filter(case__in=demo_cases(), role="perpetrator").exists()
    assert Participant.objects.filter(case__in=demo_cases(), role="other").exists()


def test_referrals_are_in_every_state():
    states = set(Referral.objects.filter(case__in=demo_cases()).values_list("state", flat=True))
    assert states == set(ReferralState.values)
    organisations = demo_organisations()
    to_shelter = Referral.objects.filter(
        from_organisation=organisations["hotline"], to_organisation=organisations["shelter"]
    )
    assert to_shelter.count() > Referral.objects.count() / 2


def test_cases_are_spread_over_statuses_and_three_years():
    statuses = set(demo_cases().values_list("status", flat=True))
    assert statuses == {"Active", "FollowUp", "Closed", "ClosedReferred"}
    closed = demo_cases().filter(status__in=["Closed", "ClosedReferred"])
    assert all(case.closure_reason and case.closed >= case.opened for case in closed)
    today = timezone.localdate()
    opened = sorted(demo_cases().values_list("opened", flat=True))
    assert opened[0] >= today - timedelta(days=3 * 366)
    assert opened[0] < today - timedelta(days=2 * 365)
    assert opened[-1] > today - timedelta(days=30)


def test_some_tasks_are_overdue():
    tasks = Task.objects.filter(case__in=demo_cases(), done_at__isnull=True)
    assert tasks.filter(due__lt=timezone.localdate()).exists()
    assert tasks.filter(due__gte=timezone.localdate()).exists()


def test_nothing_happens_in_the_future():
    now = timezone.now()
    assert not Change.objects.filter(case__in=demo_cases(), at__gt=now).exists()
    assert not Referral.objects.filter(case__in=demo_cases(), sent_at__gt=now).exists()
    assert not Task.objects.filter(case__in=demo_cases(), done_at__gt=now).exists()


def test_nothing_looks_like_real_data():
    people = Person.objects.filter(participations__case__in=demo_cases())
    phones = [phone for person in people for phone in (person.mobile_phone, person.home_phone)]
    assert all(phone.startswith(PHONE_PREFIX) for phone in phones if phone)
    assert all(
        person.identity_number.startswith("DEMO-") for person in people if person.identity_number
    )
    assert all(person.email.endswith("@example.com") for person in people if person.email)
    assert all(case.summary.startswith(DEMO_MARK) for case in demo_cases())


def test_personal_fields_are_encrypted_in_the_database():
    person = Person.objects.filter(
        participations__case__in=demo_cases(), participations__role="victim"
    )[0]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT first_name, second_name, mobile_phone, identity_number, birthdate "
            "FROM cases_person WHERE id = %s",
            [Person._meta.pk.get_db_prep_value(person.pk, connection)],
        )
        stored = cursor.fetchone()
        cursor.execute(
            "SELECT summary FROM cases_case WHERE id = %s",
            [Case._meta.pk.get_db_prep_value(person.participations.first().case_id, connection)],
        )
        summary = cursor.fetchone()[0]
    clear = (person.first_name, person.second_name, person.mobile_phone, person.identity_number)
    assert all(value.startswith("hv1:") for value in stored)
    assert not any(value in " ".join(stored) for value in clear)
    assert summary.startswith("hv1:") and DEMO_MARK not in summary


def test_changes_are_in_the_history_and_the_audit_log():
    assert Event.objects.filter(action="case.opened").count() >= 200
    assert Event.objects.filter(action="referral.sent").exists()
    assert not demo_cases().filter(changes__isnull=True).exists()
    assert verify_chain().intact


def test_scope_hides_other_organisations_cases():
    mallory = User.objects.get(username="mallory")
    organisations = demo_organisations()
    assert {case.organisation_id for case in cases_visible_to(mallory)} == {
        organisations["outsider"].pk
    }
    carol = User.objects.get(username="carol")
    seen = set(cases_visible_to(carol).values_list("organisation", flat=True))
    assert seen == {organisations["shelter"].pk, organisations["hotline"].pk}
    assert not cases_visible_to(carol).filter(organisation=organisations["outsider"]).exists()


def test_a_second_seeding_adds_nothing(capsys):
    call_command("seed_demo")  # the module's data has no commitments' history yet: this adds it
    before = (Case.objects.count(), Person.objects.count(), Event.objects.count())
    assert create_demo_cases() == 0
    call_command("seed_demo")
    assert (Case.objects.count(), Person.objects.count(), Event.objects.count()) == before
    assert "demo cases" not in capsys.readouterr().out


def test_the_plan_depends_only_on_the_seed():
    today = timezone.localdate()
    first = plan_demo_cases(50, seed=7, today=today)
    assert first == plan_demo_cases(50, seed=7, today=today)
    assert first != plan_demo_cases(50, seed=8, today=today)


def test_the_seeding_keeps_no_query_log_even_with_debug_on():
    with override_settings(DEBUG=True):
        connection.queries_log.clear()
        with unlogged_queries():
            assert Case.objects.exists()
        assert connection.queries == []
        assert Case.objects.exists()  # outside, DEBUG logs queries again
        assert len(connection.queries) == 1
    with CaptureQueriesContext(connection) as counted, unlogged_queries():
        assert Case.objects.exists()
    assert len(counted) == 1  # a test that counts queries still sees them
