"""A victim's record, field by field (pure), and how the records follow the cases (database)."""

import uuid
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from haven.cases.models import Case, Participant, Person
from haven.stats.models import COLUMNS, SLOTS, Record
from haven.stats.projection import (
    BITS,
    Victim,
    age_band,
    flag_names,
    months_band,
    record_for,
    refresh_cases,
)
from haven.stats.tests.builders import add_victims, refuse_research
from haven.stats.variables import CASES as LAYOUT

SOURCE = SimpleNamespace(pk=7)
CASE, ORGANISATION = uuid.uuid4(), uuid.uuid4()


def victim(**values) -> Victim:
    fields = dict.fromkeys(Victim._fields)
    fields.update(
        case_id=CASE, case_organisation_id=ORGANISATION, case_country="VN", case_source="walk_in",
        case_opened=date(2024, 5, 1), person_id=uuid.uuid4(),
    )  # fmt: skip
    fields.update(values)
    return Victim(**fields)


def as_dict(record: tuple) -> dict:
    return dict(zip(COLUMNS, record, strict=True))


def values_of(record: tuple) -> dict:
    """{CTDC name: value} of the categories of a record tuple."""
    row = as_dict(record)
    return {v.name: row[v.slot] for v in LAYOUT.categories}


class TestRecordFor:
    def test_the_tuple_is_in_the_columns_order_with_the_case_the_organisation_and_consent(self):
        record = record_for(victim(), SOURCE, True)
        assert len(record) == len(COLUMNS)
        row = as_dict(record)
        assert row["source_id"] == 7 and row["case_id"] == CASE
        assert row["organisation_id"] == ORGANISATION and row["research_refused"] is True
        assert record_for(victim(), SOURCE, False)[-1] is False

    def test_a_victim_with_nothing_coded_has_only_the_channel_year_and_case_country(self):
        values = values_of(record_for(victim(), SOURCE, False))
        assert values == {
            "yearOfRegistration": "2024", "Datasource": "Case Management", "gender": None,
            "majorityEntry": None, "ageBroadAtEntry": None, "citizenship": None,
            "CountryOfExploitation": None, "countryOfRecruitment": None, "traffickMonths": None,
            "caseCountry": "VN",
        }  # fmt: skip
        row = as_dict(record_for(victim(), SOURCE, False))
        assert row["flags"] == row["known"] == 0
        assert [row[slot] for slot in SLOTS[len(LAYOUT.categories) :]] == [None, None]

    def test_every_coded_field_lands_in_its_column(self):
        record = record_for(
            victim(
                registered=date(2023, 2, 1), person_gender="Masculine",
                person_citizenship=["KH", "VN"], age_when_trafficked=30,
                exploitation_country="TH", recruitment_country="LA",
                exploitation_began=date(2020, 1, 1), exploitation_ended=date(2023, 1, 1),
                case_source="hotline", case_country="KH",
            ),
            SOURCE,
            False,
        )  # fmt: skip
        assert values_of(record) == {
            "yearOfRegistration": "2023", "Datasource": "Hotline", "gender": "Male",
            "majorityEntry": "Adult", "ageBroadAtEntry": "30--38", "citizenship": "KH",
            "CountryOfExploitation": "TH", "countryOfRecruitment": "LA",
            "traffickMonths": "25+ (2+ yrs)", "caseCountry": "KH",
        }  # fmt: skip
        assert as_dict(record)["registered"] == date(2023, 2, 1)

    def test_the_registration_date_falls_back_to_the_day_the_case_opened(self):
        row = as_dict(record_for(victim(registered=None), SOURCE, False))
        assert row["registered"] == date(2024, 5, 1)
        assert (
            values_of(record_for(victim(case_opened=None), SOURCE, False))["yearOfRegistration"]
            is None
        )

    @pytest.mark.parametrize(
        ("source", "channel"),
        [("hotline", "Hotline"), ("report", "Hotline"), ("walk_in", "Case Management"),
         ("referral", "Case Management"), ("screening", "Case Management"),
         ("import", "Case Management")],
    )  # fmt: skip
    def test_hotline_calls_and_community_reports_are_the_hotline_channel(self, source, channel):
        assert values_of(record_for(victim(case_source=source), SOURCE, False))["Datasource"] == (
            channel
        )

    @pytest.mark.parametrize(
        ("age", "majority", "band"),
        [(0, "Minor", "0--8"), (17, "Minor", "9--17"), (18, "Adult", "18--20"),
         (47, "Adult", "39--47"), (48, "Adult", "48+")],
    )  # fmt: skip
    def test_age_is_the_age_when_trafficked(self, age, majority, band):
        values = values_of(record_for(victim(age_when_trafficked=age), SOURCE, False))
        assert (values["majorityEntry"], values["ageBroadAtEntry"]) == (majority, band)

    def test_an_unknown_gender_and_an_empty_citizenship_are_no_information(self):
        values = values_of(
            record_for(
                victim(person_gender="NonSpecifiedUnknown", person_citizenship=[""]), SOURCE, False
            )
        )
        assert values["gender"] is None and values["citizenship"] is None
        assert (
            values_of(record_for(victim(person_citizenship=[]), SOURCE, False))["citizenship"]
            is None
        )

    def test_flags_and_known_are_the_same_bits(self):
        row = as_dict(record_for(victim(exploitation_types=["SexualExploitation"]), SOURCE, False))
        assert row["flags"] == row["known"] == BITS["isSexualExploit"]


class TestFlagNames:
    def test_each_list_of_codes_becomes_its_ctdc_flags(self):
        names = flag_names(
            victim(
                exploitation_types=["ForcedMarriage", "ChildLabour"],
                control_methods=["ThreatsLawEnforcement", "PsychoactiveSubstance", "DebtBondage"],
                industries=["F_Construction", "A_AgricultureForestryAndFishing"],
                sex_exploitation_types=["Pornography"],
                relationship_to_trafficker="Familial",
            )
        )
        assert names == {
            "isForcedMarriage", "isOtherExploit", "meansOfControlThreatOfLawEnforcement",
            "meansOfControlPsychoactiveSubstances", "meansOfControlDebtBondage",
            "typeOfLabourConstruction", "typeOfLabourAgriculture", "typeOfSexPornography",
            "recruiterRelationFamily",
        }  # fmt: skip

    def test_an_exploitation_ctdc_lacks_is_other_and_an_industry_it_lacks_is_other_work(self):
        names = flag_names(
            victim(exploitation_types=["SomethingNew"], industries=["K_FinancialActivities"])
        )
        assert names == {"isOtherExploit", "typeOfLabourOther"}

    def test_empty_and_missing_lists_give_no_flag(self):
        assert flag_names(victim()) == set()
        assert flag_names(victim(exploitation_types=[], control_methods=[])) == set()

    def test_a_code_with_no_ctdc_flag_is_dropped_rather_than_invented(self):
        names = flag_names(
            victim(control_methods=["Hypnosis"], relationship_to_trafficker="Spouse")
        )
        assert names == set()

    def test_both_threat_codes_are_one_ctdc_flag(self):
        names = flag_names(victim(control_methods=["PhysicalThreats", "ThreatensChildrenFamily"]))
        assert names == {"meansOfControlThreats"}


class TestBands:
    def test_every_age_from_0_to_120_falls_in_one_band_in_order(self):
        bands = [age_band(age) for age in range(121)]
        order = LAYOUT["ageBroadAtEntry"].check
        assert set(bands) == set(order)
        assert [order.index(band) for band in bands] == sorted(order.index(b) for b in bands)

    @pytest.mark.parametrize(
        ("began", "ended", "band"),
        [((2020, 1, 1), (2020, 1, 1), "0--12 (0-1 yr)"),
         ((2020, 1, 31), (2022, 1, 30), "13--24 (1-2 yrs)"),  # 23 whole months
         ((2020, 1, 31), (2022, 1, 31), "13--24 (1-2 yrs)"),  # 24
         ((2020, 1, 31), (2022, 2, 28), "13--24 (1-2 yrs)"),  # the 31st not reached: 24
         ((2020, 1, 31), (2022, 3, 1), "25+ (2+ yrs)")],
    )  # fmt: skip
    def test_time_in_trafficking_counts_whole_months(self, began, ended, band):
        assert months_band(date(*began), date(*ended)) == band

    def test_an_end_before_the_start_is_no_information(self):
        assert months_band(date(2021, 1, 1), date(2020, 1, 1)) is None
        assert months_band(None, date(2020, 1, 1)) is None


@pytest.mark.django_db
class TestRecordsFollowTheCases:
    def record_of(self, participant) -> Record:
        refresh_cases()
        return Record.objects.get(case_id=participant.case_id)

    def test_the_birth_date_is_never_used_for_the_age(self):
        [adult] = add_victims("Hotline VN", 1, person={"birthdate": "2015-01-01"},
                              age_when_trafficked=30)  # fmt: skip
        [unknown] = add_victims("Hotline VN", 1, person={"birthdate": "2015-01-01"},
                                age_when_trafficked=None)  # fmt: skip
        slots = LAYOUT["majorityEntry"].slot, LAYOUT["ageBroadAtEntry"].slot
        assert [getattr(self.record_of(adult), s) for s in slots] == ["Adult", "30--38"]
        assert [getattr(self.record_of(unknown), s) for s in slots] == [None, None]

    def test_only_victims_become_records(self):
        [victim_] = add_victims("Hotline VN", 1)
        other = Person.objects.create(organisation=victim_.case.organisation, gender="Masculine")
        Participant.objects.create(case=victim_.case, person=other, role="trafficker")
        Case.objects.filter(pk=victim_.case_id).update(updated=timezone.now())
        refresh_cases()
        assert Record.objects.filter(case_id=victim_.case_id).count() == 1

    def test_a_refused_research_consent_marks_the_record_and_a_later_yes_clears_it(self):
        [victim_] = add_victims("Hotline VN", 1)
        refuse_research(victim_)
        assert self.record_of(victim_).research_refused is True
        refuse_research(victim_, given=True)  # recorded later: the current answer
        assert self.record_of(victim_).research_refused is False

    def test_a_refusal_of_another_consent_item_does_not_exclude(self):
        from haven.cases.models import Consent, ConsentItem

        [victim_] = add_victims("Hotline VN", 1)
        other = next(item for item in ConsentItem.values if item != ConsentItem.RESEARCH)
        Consent.objects.create(case=victim_.case, person=victim_.person, item=other, given=False)
        assert self.record_of(victim_).research_refused is False

    def test_an_edit_rebuilds_the_cases_records_and_not_those_of_older_cases(self):
        first, second = add_victims("Hotline VN", 2)
        Case.objects.filter(pk=second.case_id).update(updated=timezone.now() - timedelta(days=1))
        refresh_cases()
        untouched = Record.objects.get(case_id=second.case_id).pk
        Participant.objects.filter(pk=first.pk).update(age_when_trafficked=12)
        Case.objects.filter(pk=first.case_id).update(updated=timezone.now())
        record = self.record_of(first)
        assert getattr(record, LAYOUT["majorityEntry"].slot) == "Minor"
        assert Record.objects.filter(case_id=first.case_id).count() == 1
        assert Record.objects.get(case_id=second.case_id).pk == untouched

    def test_a_victim_taken_off_a_case_loses_its_record(self):
        [victim_] = add_victims("Hotline VN", 1)
        extra = Person.objects.create(organisation=victim_.case.organisation, gender="Masculine")
        Participant.objects.create(case=victim_.case, person=extra, role="victim")
        Case.objects.filter(pk=victim_.case_id).update(updated=timezone.now())
        refresh_cases()
        assert Record.objects.filter(case_id=victim_.case_id).count() == 2
        Participant.objects.filter(person=extra).delete()
        Case.objects.filter(pk=victim_.case_id).update(updated=timezone.now())
        refresh_cases()
        assert Record.objects.filter(case_id=victim_.case_id).count() == 1

    def test_each_change_bumps_the_version_and_none_keeps_it(self):
        [victim_] = add_victims("Hotline VN", 1)
        version = refresh_cases().version
        assert refresh_cases().version == version
        Case.objects.filter(pk=victim_.case_id).update(updated=timezone.now())
        assert refresh_cases().version == version + 1

    def test_a_forced_rebuild_gives_the_same_records(self):
        add_victims("Hotline VN", 2)
        add_victims("Shelter HN", 1, person={"gender": "Masculine"}, age_when_trafficked=15)
        refresh_cases()
        fields = ["case_id", *SLOTS, "flags", "known", "registered", "research_refused"]
        before = sorted(Record.objects.values_list(*fields), key=str)
        refresh_cases(force=True)
        assert sorted(Record.objects.values_list(*fields), key=str) == before

    def test_an_edit_committed_late_is_still_seen(self):
        late, other = add_victims("Hotline VN", 2)
        refresh_cases()
        Person.objects.filter(pk=late.person_id).update(gender="Masculine")
        # Stamped five minutes ago by a transaction that committed after the last refresh,
        # while another case's change moved the latest time on.
        Case.objects.filter(pk=late.case_id).update(updated=timezone.now() - timedelta(minutes=5))
        Case.objects.filter(pk=other.case_id).update(updated=timezone.now())
        assert getattr(self.record_of(late), LAYOUT["gender"].slot) == "Male"
