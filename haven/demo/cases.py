"""About 200 fictional cases for the demo organisations, made through the services by `seed_demo`.

Everything here is invented. Names are common Vietnamese family, middle and given names drawn
at random; phone numbers come from Ofcom's drama range (+44 7700 900000-900999, kept for
fiction: Viet Nam reserves no range of its own); e-mail addresses use example.com (RFC 2606);
identity numbers start with DEMO; every summary starts with "[demo]". Places are real provinces,
border gates and towns, because a case worker recognises them, but no person or company is.

The stories follow the patterns hotlines in Viet Nam hear most: scam compounds in Cambodia,
Myanmar and Laos, fishing boats and building sites, brides sold to China, karaoke bars, child
labour. A plan is drawn first from the seed (pure data, the same for the same seed and day),
then made through the services, so that history rows and audit events exist. The audit log
records the seeding as it happened, today; the cases' own dates, history and referrals are
moved back to when the story says they happened.
"""

import random
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from haven.accounts.models import Organisation, User
from haven.cases import referrals, services
from haven.cases.models import (
    Case,
    Change,
    Consent,
    ConsentItem,
    Note,
    Participant,
    Person,
    Referral,
    ReferralState,
    Section,
    SupportService,
    Task,
    TraffickingEvent,
)
from haven.demo.personas import ORGANISATIONS
from haven.demo.plan import (
    DEFAULT_SEED,
    DEMO_MARK,
    PHONE_PREFIX,
    USERNAMES,
    CasePlan,
    plan_demo_cases,
)

__all__ = [
    "DEMO_MARK",
    "PHONE_PREFIX",
    "create_demo_cases",
    "demo_organisations",
    "plan_demo_cases",
    "unlogged_queries",
]

MOVED = [
    (Case, ["created"], "id = %s"),
    (Change, ["at"], "case_id = %s"),
    (Participant, ["created"], "case_id = %s"),
    (Person, ["created"], "id IN (SELECT person_id FROM cases_participant WHERE case_id = %s)"),
    (TraffickingEvent, ["created"], "case_id = %s"),
    (SupportService, ["created"], "case_id = %s"),
    (Note, ["created"], "case_id = %s"),
    (Task, ["created", "done_at"], "case_id = %s"),
    (Consent, ["recorded_at", "withdrawn_at"], "case_id = %s"),
    (Referral, ["sent_at", "responded_at", "completed_at", "revoked_at"], "case_id = %s"),
]


def _moment(day: date, rng: random.Random) -> datetime:
    """An office-hours time on the day, in the current time zone."""
    moment = datetime.combine(day, time(8 + rng.randint(0, 9), rng.randint(0, 59)))
    return timezone.make_aware(moment)


class _Maker:
    """Makes planned cases through the services, then moves their timestamps back in time.

    Each step of a story runs inside `at(day)`, which notes the real time before and after it;
    at the end of the case, whatever the services stamped within that window is moved to the
    story's day, with one UPDATE per table.
    """

    def __init__(self, organisations: dict, users: dict, rng: random.Random):
        self.organisations = organisations
        self.users = users
        self.rng = rng
        self.steps: list[tuple[datetime, datetime, datetime]] = []

    @contextmanager
    def at(self, day: date):
        started = timezone.now()
        yield
        ended = timezone.now()
        # A step planned for today happens no later than now.
        self.steps.append((started, ended, min(_moment(day, self.rng), started)))

    def _move_back(self, case: Case) -> None:
        # Plain SQL: the ORM spends ~0.1 s compiling these CASE expressions for every case.
        ops = connection.ops
        params = []
        for start, end, moment in self.steps:
            params += [ops.adapt_datetimefield_value(value) for value in (start, end, moment)]
        case_id = Case._meta.pk.get_db_prep_value(case.pk, connection)
        with connection.cursor() as cursor:
            for model, names, where in MOVED:
                moves = []
                for name in names:
                    column = ops.quote_name(model._meta.get_field(name).column)
                    whens = f"WHEN {column} BETWEEN %s AND %s THEN %s " * len(self.steps)
                    moves.append(f"{column} = CASE {whens}ELSE {column} END")
                # Names come from the models; every value is a parameter.
                sql = f"UPDATE {model._meta.db_table} SET {', '.join(moves)} WHERE {where}"  # noqa: S608
                cursor.execute(sql, [*params * len(names), case_id])
        latest = max(moment for _, _, moment in self.steps)
        Case.objects.filter(pk=case.pk).update(updated=latest)
        self.steps = []

    def make(self, plan: CasePlan) -> Case:
        worker = self.users[plan.worker]
        # A frontline worker cannot refer: in the demo the team's case manager does.
        manager = self.users["alice"] if plan.organisation == "hotline" else worker
        with self.at(plan.opened):
            case = services.open_case(
                actor=worker,
                organisation=self.organisations[plan.organisation],
                **{**plan.values, "case_worker": worker},
            )
            participants = [
                services.add_participant(
                    case,
                    actor=worker,
                    role=planned.role,
                    person=dict(planned.person),
                    details=dict(planned.details),
                )
                for planned in plan.people
            ]
            for planned, participant in zip(plan.people, participants, strict=True):
                if planned.consent:
                    self._consent(case, participant.person, planned.consent, worker)
        for index, day, values in plan.events:
            with self.at(day):
                values = {**values, "participant": participants[index]}
                services.add_event(case, actor=worker, values=values)
        for day, values, result, finished in plan.services:
            values = {
                **values,
                "provider": self.organisations[values["provider"]],
                "participant": participants[0],
            }
            with self.at(day):
                service = services.add_service(case, actor=worker, values=values)
            if result["outcome"] != "planned":
                with self.at(finished):
                    services.update_service(service, actor=worker, values=result)
        for day, body in plan.notes:
            with self.at(day):
                services.add_note(case, actor=worker, body=body)
        for day, title, due, done_on in plan.tasks:
            with self.at(day):
                task = services.add_task(
                    case, actor=worker, title=title, due=due, assigned_to=worker
                )
            if done_on:
                with self.at(done_on):
                    services.complete_task(task, actor=worker)
        if plan.referral:
            case = self._refer(case, plan, manager, participants)
        # After a transfer of ownership, the new owner's case worker carries on.
        worker = case.case_worker or worker
        revoked_by_consent = plan.referral and plan.referral["state"] == ReferralState.REVOKED
        for planned, participant in zip(plan.people, participants, strict=True):
            if planned.consent == "withdrawn" and not revoked_by_consent:
                day = plan.opened + timedelta(days=self.rng.randint(20, 60))
                with self.at(min(day, timezone.localdate())):
                    referrals.withdraw_consent(
                        case, participant.person, actor=worker, item="research"
                    )
        if plan.follow_up and case.is_open:
            with self.at(plan.follow_up):
                services.update_case(case, actor=worker, values={"status": "FollowUp"})
        if plan.closing and case.is_open:
            day, reason, referred = plan.closing
            with self.at(day):
                started = Change.objects.aggregate(last=Max("id"))["last"]
                services.close_case(case, actor=worker, reason=reason, referred=referred)
            Change.objects.filter(id__gt=started, field="closed").update(new=day.isoformat())
            Case.objects.filter(pk=case.pk).update(closed=day)
        self._move_back(case)
        return case

    def _consent(self, case, person, kind: str, actor) -> None:
        if kind == "partial":
            answers = dict.fromkeys(("interview", "purpose", "use_of_data"), True)
            answers["research"] = self.rng.random() < 0.5
        elif kind == "minimal":
            answers = {"interview": True, "purpose": True, "use_of_data": False}
        else:
            answers = dict.fromkeys(ConsentItem.values, True)
        referrals.record_consent(
            case, person, actor=actor, answers=answers, information_version="2024-01"
        )

    def _refer(self, case, plan: CasePlan, manager, participants) -> Case:
        planned = plan.referral
        receiver = self.users["carol" if planned["to"] == "shelter" else "alice"]
        sections = [Section.SUMMARY, Section.EXPLOITATION, Section.SUPPORT]
        if planned["identity"]:
            sections += [Section.IDENTITY, Section.CONTACT]
        allowed = referrals.shareable_sections(case)
        sections = [section for section in sections if section in allowed]
        with self.at(planned["sent"]):
            referral = referrals.refer(
                case,
                actor=manager,
                to_organisation=self.organisations[planned["to"]],
                reason=planned["reason"],
                sections=sections,
                details=planned["details"],
            )
        state = planned["state"]
        with self.at(planned["answered"]):
            if state == ReferralState.DECLINED:
                referrals.decline(referral, actor=receiver, note=planned["note"])
            elif state in (ReferralState.ACCEPTED, ReferralState.COMPLETED):
                referrals.accept(referral, actor=receiver, note=planned["accepted"])
            elif state == ReferralState.REVOKED:
                withdrawing = [
                    participant.person
                    for person, participant in zip(plan.people, participants, strict=True)
                    if person.consent == "withdrawn"
                ]
                if withdrawing:  # the person withdrew consent, and that revokes the referral
                    referrals.withdraw_consent(
                        case, withdrawing[0], actor=manager, item="interview"
                    )
                else:
                    referrals.revoke(referral, actor=manager)
        if state == ReferralState.COMPLETED:
            with self.at(planned["finished"]):
                if planned["transfer"] and {Section.IDENTITY, Section.CONTACT} <= set(sections):
                    case = referrals.transfer_ownership(referral, actor=manager)
                else:
                    referrals.complete(referral, actor=receiver, note=planned["note"])
        case.refresh_from_db()
        return case


@contextmanager
def unlogged_queries():
    """Run on the default connection without Django's query log, even with DEBUG on.

    With DEBUG on (as in `make run`), Django wraps every cursor to log its queries and, on
    SQLite, quotes their parameters with one more query each: that would add half again to the
    ~40,000 writes of the demo. Only this thread's connection is affected, not the settings;
    a test that counts queries (Django's `force_debug_cursor`) still counts them.
    """
    if connection.force_debug_cursor or "make_debug_cursor" in vars(connection):
        yield
        return
    connection.make_debug_cursor = connection.make_cursor
    try:
        yield
    finally:
        del connection.make_debug_cursor


def demo_organisations() -> dict:
    names = {demo.key: demo.name for demo in ORGANISATIONS}
    found = {o.name: o for o in Organisation.objects.filter(name__in=names.values())}
    return {key: found[name] for key, name in names.items() if name in found}


def create_demo_cases(count: int = 200, seed: int = DEFAULT_SEED) -> int:
    """Make the demo cases unless the demo organisations already have cases; return how many."""
    with unlogged_queries(), transaction.atomic():
        organisations = demo_organisations()
        if len(organisations) < len(ORGANISATIONS):
            raise RuntimeError("Create the demo organisations and accounts first (seed_demo).")
        if Case.objects.filter(organisation__in=organisations.values()).exists():
            return 0
        users = {user.username: user for user in User.objects.filter(username__in=USERNAMES)}
        if len(users) < len(USERNAMES):
            raise RuntimeError("Create the demo accounts first (seed_demo).")
        maker = _Maker(organisations, users, random.Random(seed))  # noqa: S311
        plans = plan_demo_cases(count, seed)
        for plan in plans:
            maker.make(plan)
        return len(plans)
