"""Cases become statistics records: coded fields only, rebuilt when the cases change."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from haven.cases.models import Case, Participant, Person
from haven.lib.crypto import EncryptedTextField
from haven.stats.figures import Query, count
from haven.stats.models import Record
from haven.stats.projection import FIELDS, age_band, months_band, refresh_cases
from haven.stats.tests.builders import add_victims, refuse_research
from haven.stats.variables import CASES as LAYOUT

pytestmark = pytest.mark.django_db


def cells(*names, published=False):
    source = refresh_cases()
    denominator, counts = count(
        Query(source, [LAYOUT[name] for name in names], published=published)
    )
    return denominator, {key if len(key) > 1 else key[0]: n for key, n in counts.items()}


def test_no_personal_field_is_ever_read():
    for name in FIELDS:
        model, field = Participant, name
        if "__" in name:
            relation, field = name.split("__")
            model = {"case": Case, "person": Person}[relation]
        assert not isinstance(model._meta.get_field(field), EncryptedTextField), name
    assert "person__birthdate" not in FIELDS


def test_a_victim_becomes_ctdc_variables():
    add_victims(
        "Hotline VN",
        1,
        person={"gender": "TransgenderFeminine", "citizenship": ["LA", "VN"]},
        case={"source": "hotline"},
        age_when_trafficked=16,
        recruitment_country="LA",
        exploitation_began=date(2022, 1, 10),
        exploitation_ended=date(2023, 6, 1),
        exploitation_types=["ForcedBegging", "Servitude"],
        control_methods=["PhysicalThreats", "ThreatensChildrenFamily", "UsesChildren"],
        industries=["I_AccommodationAndFoodServiceActivities", "P_Education"],
        relationship_to_trafficker="Acquainted",
    )
    assert cells("gender")[1] == {"Transgender/NonConforming": 1}
    assert cells("citizenship")[1] == {"LA": 1}  # the first citizenship, as CTDC counts it
    assert cells("majorityEntry")[1] == {"Minor": 1}
    assert cells("ageBroadAtEntry")[1] == {"9--17": 1}
    assert cells("Datasource")[1] == {"Hotline": 1}
    assert cells("traffickMonths")[1] == {"13--24 (1-2 yrs)": 1}
    assert cells("yearOfRegistration")[1] == {"2024": 1}
    assert cells("typeOfExploitConcatenated")[1] == {
        "isForcedLabour": 1,
        "isSlaveryAndPractices": 1,
    }
    assert cells("meansOfControlConcatenated")[1] == {
        "meansOfControlThreats": 1,
        "meansOfControlUsesChildren": 1,
    }
    assert cells("typeOfLabourConcatenated")[1] == {
        "typeOfLabourBegging": 1,
        "typeOfLabourHospitality": 1,
        "typeOfLabourOther": 1,
    }
    assert cells("RecruiterRelationship")[1] == {"recruiterRelationFriend": 1}


def test_missing_values_are_no_information():
    add_victims("Hotline VN", 2, person={"gender": "NonSpecifiedUnknown", "citizenship": []},
                age_when_trafficked=None, exploitation_types=[], control_methods=[])  # fmt: skip
    add_victims("Hotline VN", 1)
    assert cells("gender") == (1, {"Female": 1})
    assert cells("citizenship") == (1, {"VN": 1})
    assert cells("typeOfExploitConcatenated") == (1, {"isForcedLabour": 1})


def test_bands():
    assert [age_band(a) for a in (0, 8, 9, 17, 18, 29, 30, 47, 48, 90)] == [
        "0--8", "0--8", "9--17", "9--17", "18--20", "27--29", "30--38", "39--47", "48+", "48+",
    ]  # fmt: skip
    assert months_band(date(2020, 1, 5), date(2021, 1, 5)) == "0--12 (0-1 yr)"
    assert months_band(date(2020, 1, 5), date(2021, 2, 4)) == "0--12 (0-1 yr)"  # 12 whole months
    assert months_band(date(2020, 1, 5), date(2021, 2, 5)) == "13--24 (1-2 yrs)"
    assert months_band(date(2020, 1, 5), None) is None


def test_published_figures_leave_out_refused_research_consent():
    victims = add_victims("Hotline VN", 3)
    refuse_research(victims[0])
    refuse_research(victims[1], given=True)
    assert cells("gender") == (3, {"Female": 3})
    assert cells("gender", published=True) == (2, {"Female": 2})


def test_a_withdrawn_refusal_no_longer_counts():
    [victim] = add_victims("Hotline VN", 1)
    answer = refuse_research(victim)
    assert cells("gender", published=True)[0] == 0
    answer.withdrawn_at = timezone.now()
    answer.save()
    assert cells("gender", published=True)[0] == 1


class TestRefresh:
    def test_nothing_changed_nothing_rebuilt(self, django_assert_max_num_queries):
        add_victims("Hotline VN", 2)
        version = refresh_cases().version
        with django_assert_max_num_queries(5):  # the source, and four small questions
            assert refresh_cases().version == version

    def test_a_new_case_and_an_edit_are_seen(self):
        [victim] = add_victims("Hotline VN", 1)
        refresh_cases()
        add_victims("Shelter HN", 1, person={"gender": "Masculine"})
        assert cells("gender")[1] == {"Female": 1, "Male": 1}
        Person.objects.filter(pk=victim.person_id).update(gender="Masculine")
        Case.objects.filter(pk=victim.case_id).update(updated=timezone.now())
        assert cells("gender")[1] == {"Male": 2}

    def test_a_deleted_case_takes_its_records(self):
        victims = add_victims("Hotline VN", 2)
        refresh_cases()
        victims[0].case.delete()
        assert cells("gender")[1] == {"Female": 1}
        assert Record.objects.count() == 1

    def test_a_case_dated_in_the_past_is_still_found(self):
        refresh_cases()
        [victim] = add_victims("Hotline VN", 1)
        Case.objects.filter(pk=victim.case_id).update(updated=timezone.now() - timedelta(days=400))
        assert cells("gender")[1] == {"Female": 1}

    def test_a_research_answer_alone_is_seen(self):
        [victim] = add_victims("Hotline VN", 1)
        assert cells("gender", published=True)[0] == 1
        refuse_research(victim)
        assert cells("gender", published=True)[0] == 0


class TestTallies:
    """Figures kept up to date equal figures counted again from the records, after any change."""

    @staticmethod
    def assert_kept_equal_counted(published=False):
        from haven.stats.figures import count_records
        from haven.stats.tallies import specs

        source = refresh_cases()
        assert source.tallied
        for spec in specs(LAYOUT):
            query = Query(source, list(spec), published=published)
            assert count(query) == count_records(query), [v.name for v in spec]

    def test_after_a_full_build_and_each_kind_of_change(self):
        victims = add_victims("Hotline VN", 3)
        add_victims("Shelter HN", 2, person={"gender": "Masculine", "citizenship": ["LA"]},
                    exploitation_country="TH", control_methods=[])  # fmt: skip
        self.assert_kept_equal_counted()
        self.assert_kept_equal_counted(published=True)
        refuse_research(victims[0])
        Person.objects.filter(pk=victims[1].person_id).update(citizenship=["MM"])
        Case.objects.filter(pk=victims[1].case_id).update(updated=timezone.now())
        victims[2].case.delete()
        add_victims("Shelter HN", 1, exploitation_types=["SexualExploitation", "ForcedMarriage"])
        self.assert_kept_equal_counted()
        self.assert_kept_equal_counted(published=True)

    def test_an_imported_source_keeps_its_figures(self):
        from haven.stats.ctdc import import_file
        from haven.stats.figures import count_records
        from haven.stats.tallies import specs
        from haven.stats.tests.conftest import FIXTURES
        from haven.stats.variables import KANON

        source = import_file(FIXTURES / "kanon_2020_comma.csv", "k").source
        for spec in specs(KANON):
            query = Query(source, list(spec))
            assert count(query) == count_records(query)
