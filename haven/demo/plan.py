"""The demo cases as a plan: pure data drawn from a seed, the same for the same seed and day.

`haven.demo.cases` makes the plan through the services. Everything here is invented; see the
note at the top of that module.
"""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils import timezone

from haven.cases.models import LIVE_STATES, ReferralState
from haven.demo import stories

DEFAULT_SEED = 111  # the child protection hotline's number; any integer will do
DEMO_MARK = "[demo]"
PHONE_PREFIX = "+44 7700 900"  # Ofcom's range for drama: no real line answers it

USERNAMES = ("alice", "bob", "carol", "mallory")  # the personas who work on the demo cases
LABOUR = {"ForcedLabour", "ChildLabour", "Servitude"}
CONSENT_KINDS = ["full"] * 15 + ["partial"] * 3 + ["minimal", "withdrawn"]
# The statuses a case's referral can end in, by the state the referral is in.
STATUSES_FOR = {
    ReferralState.PENDING: ["Active"],
    ReferralState.ACCEPTED: ["Active", "FollowUp", "ClosedReferred"],
    ReferralState.DECLINED: ["Active", "FollowUp", "Closed"],
    ReferralState.COMPLETED: ["FollowUp", "Closed", "ClosedReferred"],
    ReferralState.REVOKED: ["Active", "Closed"],
}


@dataclass
class PersonPlan:
    role: str
    person: dict
    details: dict
    consent: str = ""  # full, partial, minimal, withdrawn; empty for a perpetrator


@dataclass
class CasePlan:
    organisation: str  # a key of demo.personas.ORGANISATIONS
    worker: str
    opened: date
    values: dict
    people: list[PersonPlan]
    pattern: dict
    events: list[tuple[int, date, dict]] = field(default_factory=list)  # victim index, ...
    services: list[tuple[date, dict, dict, date]] = field(default_factory=list)
    notes: list[tuple[date, str]] = field(default_factory=list)
    tasks: list[tuple[date, str, date, date | None]] = field(default_factory=list)
    follow_up: date | None = None
    referral: dict | None = None
    closing: tuple[date, str, bool] | None = None  # when, reason, referred


def _pick(rng: random.Random, chances: dict) -> str:
    return rng.choices(list(chances), weights=list(chances.values()))[0]


def _name(rng: random.Random, woman: bool, highland: bool) -> tuple[str, str, str]:
    families = [f for f in stories.FAMILY_NAMES if (f in stories.HIGHLAND_FAMILIES) == highland]
    middles, givens = stories.WOMEN if woman else stories.MEN
    return rng.choice(givens), rng.choice(middles), rng.choice(families)


def _phone(rng: random.Random) -> str:
    return f"{PHONE_PREFIX}{rng.randint(0, 999):03d}"


def _person(rng, *, woman, highland, age, on, province, contact=True) -> dict:
    first, middle, family = _name(rng, woman, highland)
    born = on - timedelta(days=age * 365 + rng.randint(0, 364))
    person = {
        "first_name": first,
        "middle_name": middle,
        "second_name": family,
        "gender": "Feminine" if woman else "Masculine",
        "birthdate": born.isoformat(),
        "citizenship": ["VN"],
        "primary_language": "hmn" if highland else "vie",
        "secondary_language": "vie" if highland else "",
        "mailing_street": rng.choice(stories.VILLAGES),
        "mailing_state": province,
        "mailing_country": "VN",
    }
    if contact:
        person["mobile_phone"] = _phone(rng)
        person["identity_number"] = f"DEMO-{rng.randint(0, 99999999):08d}"
        if rng.random() < 0.2:
            person["email"] = f"demo.{rng.randint(100, 99999)}@example.com"
    return person


@dataclass
class Story:
    """What happened to the victims of one case, drawn before the people and the case."""

    pattern: dict
    country: str
    region: str
    town: str
    highland: bool
    province: str
    recruited: date
    crossed: date
    began: date
    ended: date | None
    kinds: list
    apps: list
    control: list


def _draw_story(rng: random.Random, pattern: dict, opened: date, age_days: int) -> Story:
    country, region, town = rng.choice(pattern["places"])
    highland = rng.random() < pattern.get("highland", 0.15)
    recruited = opened - timedelta(days=rng.randint(40, 500))
    crossed = recruited + timedelta(days=rng.randint(1, 15))
    began = crossed + timedelta(days=rng.randint(1, 4))
    # Some recent cases are calls from families while the person is still held.
    still_held = age_days < 90 and rng.random() < 0.25
    ended = None if still_held else opened - timedelta(days=rng.randint(0, 30))
    control = rng.sample(pattern["control"], rng.randint(2, len(pattern["control"])))
    return Story(
        pattern=pattern,
        country=country,
        region=region,
        town=town,
        highland=highland,
        province=rng.choice(stories.HIGHLANDS if highland else stories.LOWLANDS),
        recruited=recruited,
        crossed=crossed,
        began=began,
        ended=ended if ended and ended > began else None,
        kinds=rng.choice(pattern["kinds"]),
        apps=rng.choice(pattern["apps"]),
        control=control + rng.sample(pattern["more_control"], rng.randint(0, 2)),
    )


def _plan_victim(rng: random.Random, story: Story, first: bool) -> PersonPlan:
    pattern, kinds = story.pattern, story.kinds
    woman = rng.random() < pattern["women"]
    age = rng.randint(*pattern["ages"])
    details = {
        "trafficking_status": _pick(
            rng, {"PossibleVictimOfTrafficking": 6, "ActualVictimOfTrafficking": 4}
        ),
        "relationship_to_trafficker": _pick(
            rng, {"Acquainted": 5, "Unaquainted": 4, "Familial": 1}
        ),
        "age_when_trafficked": age,
        "recruitment_methods": [rng.choice(pattern["recruitment"])],
        "recruitment_apps": story.apps,
        "recruitment_country": "VN",
        "recruitment_place": story.province,
        # People recruited together share how they were held; the first tells the most.
        "control_methods": sorted(set(story.control if first else story.control[:3])),
        "exploitation_types": kinds,
        "industries": pattern["industries"] if set(kinds) & LABOUR else [],
        "sex_exploitation_types": (
            rng.choice(pattern.get("sex", [["Prostitution"]]))
            if "SexualExploitation" in kinds
            else []
        ),
        "exploitation_country": story.country,
        "exploitation_place": story.town,
        "vulnerabilities": rng.sample(pattern["vulnerabilities"], rng.randint(1, 2)),
        "exploitation_began": story.began,
        "exploitation_ended": story.ended,
    }
    if details["trafficking_status"] == "ActualVictimOfTrafficking":
        details["status_decided_by"] = _pick(
            rng, {"Police": 5, "NonPoliceGovernmentalOrganization": 2, "NGO": 1}
        )
    person = _person(
        rng,
        woman=woman,
        highland=story.highland,
        age=age,
        on=story.recruited,
        province=story.province,
    )
    person["education"] = _pick(
        rng, {"PrimaryEducation": 3, "LowerSecondaryEducation": 5, "UpperSecondaryEducation": 3}
    )
    if age >= 18:
        person["marital_status"] = _pick(rng, {"Single": 6, "Married": 3, "Divorced": 1})
    return PersonPlan("victim", person, details, rng.choice(CONSENT_KINDS))


def _plan_people(rng: random.Random, story: Story, today: date) -> list[PersonPlan]:
    victims = rng.choices([1, 2, 3], weights=[78, 17, 5])[0]
    people = [_plan_victim(rng, story, number == 0) for number in range(victims)]
    if rng.random() < 0.35:
        person = _person(
            rng,
            woman=rng.random() < 0.4,
            highland=story.highland,
            age=rng.randint(25, 50),
            on=story.recruited,
            province=story.province,
            contact=False,
        )
        person["mobile_phone"] = _phone(rng)
        details = {
            "roles_in_process": rng.choice(
                [["RecruiterOrIntermediary"], ["BrokerTravelAgent", "Transporter"]]
            ),
            "role_details": "Dùng tài khoản Telegram/Facebook giả; the victims call them "
            f"'{person['first_name']}'.",
            "perpetrator_organisation": rng.choice(["", "Công ty môi giới 'Việc Nhanh' (demo)"]),
        }
        people.append(PersonPlan("perpetrator", person, details))
    if rng.random() < 0.25:
        mother = rng.random() < 0.7
        relative = _person(
            rng,
            woman=mother,
            highland=story.highland,
            age=rng.randint(38, 60),
            on=today,
            province=story.province,
        )
        role = "Mẹ, gọi đường dây nóng (the mother called)" if mother else "Bố (the father)"
        people.append(PersonPlan("other", relative, {"role_details": role}, "full"))
    return people


def _case_values(rng: random.Random, story: Story, people: list, opened: date, worker: str):
    victim = people[0]
    age = victim.details["age_when_trafficked"]
    text = rng.choice(story.pattern["summaries"]).format(
        name=victim.person["first_name"],
        age=age,
        app={(): "mạng xã hội", ("Other",): "Zalo"}.get(tuple(story.apps), " và ".join(story.apps)),
        town=story.town,
        country=stories.COUNTRY_NAMES[story.country],
        province=story.province,
        people="Hmông" if story.highland else "Kinh",
        money=rng.choice([3000, 5000, 8000, 12000]),
        debt=rng.choice([15, 30, 45, 80]),
        months=rng.randint(3, 11),
        years=rng.randint(1, 6),
        month=story.recruited.strftime("%m/%Y"),
        group=rng.randint(3, 40),
    )
    urgent = story.ended is None or age < 16
    values = {
        "opened": opened,
        "country": story.country,
        "risk": "high" if urgent else _pick(rng, {"medium": 5, "low": 3, "high": 2}),
        "summary": f"{DEMO_MARK} Hồ sơ hư cấu / fictional case. {text}",
        "case_worker": worker,
        "source": _pick(rng, {"hotline": 5, "walk_in": 2, "screening": 1, "referral": 2}),
    }
    if values["source"] == "referral":
        values["referring_organisation"] = rng.choice(stories.INCOMING).format(
            province=rng.choice(["Tây Ninh", "Lào Cai", "Quảng Ninh", "An Giang"]),
            capital=stories.CAPITALS[story.country],
        )
        values["referring_case_worker"] = " ".join(reversed(_name(rng, False, False)))
        values["incoming_referral_date"] = opened - timedelta(days=rng.randint(0, 3))
        values["incoming_referral_reason"] = "MigrationOrChangeOfLocation"
        values["incoming_referral_details"] = "Returned through the border; needs support at home."
    return values


def _plan_events(rng: random.Random, story: Story, plan: CasePlan) -> None:
    """Recruitment, transit, exploitation, for the first victim."""
    *transit, crossing = rng.choice(stories.CROSSINGS[story.country])
    recruitment = ("VN", story.province, rng.choice(stories.VILLAGES))
    for kind, day, where, description in [
        ("Recruitment", story.recruited, recruitment, rng.choice(stories.RECRUITED)),
        ("Transit", story.crossed, transit, crossing),
        ("Exploitation", story.began, (story.country, story.region, story.town), ""),
    ]:
        event = {"type": kind, "date": day, "country": where[0], "state": where[1]}
        event |= {"city": where[2], "description": description}
        plan.events.append((0, plan.opened, event))


def _plan_ending(rng, plan: CasePlan, state, age_days: int, today: date, story: Story) -> None:
    """The case's status, how it closed, and its referral if it has one."""
    if state is not None:
        status = rng.choice(STATUSES_FOR[state])
    elif age_days < 45:
        status = "Active"
    else:
        status = _pick(rng, {"Active": 2, "FollowUp": 3, "Closed": 5, "ClosedReferred": 1})
    if age_days < 20:
        status = "Active"
    span = max(age_days - 1, 1)
    # A case handed over to the receiver is closed by them, if at all, not as "referred".
    transfer = state == ReferralState.COMPLETED and status != "ClosedReferred"
    transfer = transfer and rng.random() < 0.25
    if status in ("Closed", "ClosedReferred"):
        closed = plan.opened + timedelta(days=rng.randint(min(20, span), min(400, span)))
        reasons = stories.CLOSED_REFERRED if status == "ClosedReferred" else stories.CLOSURES
        plan.closing = (closed, rng.choice(reasons), status == "ClosedReferred")
    if status == "FollowUp":
        plan.follow_up = plan.opened + timedelta(days=rng.randint(min(14, span), min(200, span)))
    if state is None:
        return
    last = plan.closing[0] if plan.closing else today
    sent = plan.opened + timedelta(days=rng.randint(0, min(10, span)))
    if state == ReferralState.PENDING:
        sent = today - timedelta(days=rng.randint(0, min(6, age_days)))
    from_shelter = plan.organisation == "shelter"
    plan.referral = {
        "to": "hotline" if from_shelter else "shelter",
        "state": state,
        "sent": sent,
        "answered": min(sent + timedelta(days=rng.randint(1, 5)), last),
        "finished": min(sent + timedelta(days=rng.randint(30, 120)), last),
        "reason": "MigrationOrChangeOfLocation" if from_shelter else "AdditionalServicesRequired",
        "details": rng.choice(stories.REFERRAL_DETAILS).format(province=story.province),
        "identity": transfer or rng.random() < 0.6,
        "accepted": rng.choice(stories.ACCEPTS),
        "note": rng.choice(
            stories.DECLINES if state == ReferralState.DECLINED else stories.COMPLETIONS
        ),
        "transfer": transfer,
    }
    for person in plan.people:
        # Withdrawn consent would end a referral planned to stay live; for a revoked one, it
        # is what revokes it. Sharing needs everyone's consent: most referred cases have it.
        if person.consent == "withdrawn" and state in LIVE_STATES:
            person.consent = "full"
        if person.consent in ("minimal", "partial") and (transfer or rng.random() < 0.5):
            person.consent = "full"


def _plan_support(rng: random.Random, plan: CasePlan, today: date) -> None:
    """Services, notes and tasks along the case's life."""
    last = plan.closing[0] if plan.closing else today
    life = max((last - plan.opened).days, 1)
    for kind in rng.sample(plan.pattern["support"], rng.choices([1, 2, 3], weights=[5, 4, 1])[0]):
        planned = plan.opened + timedelta(days=rng.randint(0, min(20, life)))
        objectives, action = stories.SERVICE_TEXTS[kind]
        provider = {"Financial": "ministry", "Livelihood": "ministry"}.get(kind)
        provider = provider or (
            "shelter" if kind in ("SocialCare", "Health") else plan.organisation
        )
        values = {"type": kind, "provider": provider, "objectives": objectives}
        values |= {"action_plan": action, "planned_end": planned + timedelta(days=90)}
        done = planned + timedelta(days=rng.randint(20, 150))
        if done < last:
            outcome = _pick(rng, {"completed": 8, "declined": 1, "not_available": 1})
            result = {"outcome": outcome, "actual_end": done if outcome == "completed" else None}
        elif plan.closing:  # the case closed first: what was under way ends with it
            done = last
            result = {"outcome": "completed", "actual_end": done}
        else:
            done = min(planned + timedelta(days=rng.randint(1, 10)), last)
            result = {"outcome": rng.choice(["planned", "in_progress", "in_progress"])}
        plan.services.append((planned, values, result, done))
    for _ in range(rng.choices([1, 2], weights=[3, 2])[0]):
        plan.notes.append(
            (plan.opened + timedelta(days=rng.randint(0, life)), rng.choice(stories.NOTES))
        )
    for _ in range(rng.choices([0, 1, 2, 3], weights=[3, 4, 2, 1])[0]):
        set_on = plan.opened + timedelta(days=rng.randint(0, life))
        due = set_on + timedelta(days=rng.randint(3, 30))
        # Open cases keep some tasks past their date: the "overdue" list has work in it.
        done_on = None
        if plan.closing or due < today - timedelta(days=30) or rng.random() < 0.4:
            done_on = max(set_on, min(due, last))
        plan.tasks.append((set_on, rng.choice(stories.TASKS), due, done_on))


def _plan_case(rng: random.Random, index: int, today: date) -> CasePlan:
    # The first five cases are the hotline's, with one referral in each state, whatever the seed.
    forced_state = list(ReferralState)[index] if index < len(ReferralState) else None
    organisation = "hotline" if forced_state else None
    organisation = organisation or _pick(rng, {"hotline": 60, "shelter": 32, "outsider": 8})
    worker = {"hotline": rng.choice(["alice", "alice", "bob"]), "shelter": "carol"}.get(
        organisation, "mallory"
    )
    pattern = stories.PATTERNS[
        _pick(rng, {key: value["weight"] for key, value in stories.PATTERNS.items()})
    ]
    # Spread over three years, a little denser lately as the hotline became known.
    age_days = int(1095 * rng.random() ** 1.3)
    if forced_state == ReferralState.PENDING:
        age_days = rng.randint(3, 20)
    opened = today - timedelta(days=age_days)
    story = _draw_story(rng, pattern, opened, age_days)
    people = _plan_people(rng, story, today)
    values = _case_values(rng, story, people, opened, worker)
    plan = CasePlan(organisation, worker, opened, values, people, pattern)
    _plan_events(rng, story, plan)
    state = forced_state
    recent = age_days <= 30
    if state is None and organisation != "outsider" and rng.random() < (0.6 if recent else 0.3):
        chances = {"accepted": 3, "declined": 2, "completed": 3, "revoked": 2}
        state = ReferralState(_pick(rng, {"pending": 6, **chances} if recent else chances))
    _plan_ending(rng, plan, state, age_days, today, story)
    _plan_support(rng, plan, today)
    return plan


def plan_demo_cases(count: int = 200, seed: int = DEFAULT_SEED, today=None) -> list[CasePlan]:
    """The cases to make, as data: the same for the same seed, count and day."""
    today = today or timezone.localdate()
    rng = random.Random(seed)  # noqa: S311  (made-up data, not secrets)
    return [_plan_case(rng, index, today) for index in range(count)]


# The timestamps the services write with the real time: (model, fields, rows of one case).
