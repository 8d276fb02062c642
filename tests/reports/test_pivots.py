"""Consultation counts of March (tests/reports/conftest.py), worked out by hand."""

import pytest

from hotline_crm.models import Gender, Oblast, SettlementType
from hotline_reports.filters import ConsultationFilter
from hotline_reports.models import AgeBandSet
from hotline_reports.pivots import DIMENSIONS, one_dimension_table, pivot_table
from tests.reports.conftest import KYIVSTAR, MARCH, kyiv

pytestmark = pytest.mark.django_db
SRH = AgeBandSet.SRH


def label(choice) -> str:
    """Labels of the CRM's choices are the CRM's to translate."""
    return str(choice.label)


def counts(table) -> dict[str, int]:
    return {row[0]: row[1] for row in table.rows}


def test_rural_zaporizhzhia_under_18s_about_contraception(march):
    """The question from the issue: C1 and C2 (C2 asked about two contraception topics)."""
    question = ConsultationFilter(
        MARCH,
        oblast="UA-23",
        settlement_type="village",
        age_max=17,
        topic_category_id=march.categories["contraception"].pk,
    )
    assert set(question.consultations()) == {march.forms["C1"], march.forms["C2"]}
    table = one_dimension_table(question, DIMENSIONS["gender"], SRH)
    assert table.total[1] == 2


def test_age_bands_srh(march):
    table = one_dimension_table(ConsultationFilter(MARCH), DIMENSIONS["age_band"], SRH)
    assert [row[0] for row in table.rows] == [
        "до 14",
        "14–17",
        "18–24",
        "25–34",
        "35–49",
        "50+",
        "невідомо",
    ]
    # C4 13; C1 15, C2 16, C3 17, C11 14; C8 22, C12 18; C5 30; C10 50; C6, C7 unknown.
    assert [row[1] for row in table.rows] == [1, 4, 2, 1, 0, 1, 2]
    assert table.total[1] == 11
    assert table.rows[1][2] == pytest.approx(36.4)


@pytest.mark.parametrize(
    ("band_set", "expected"),
    [
        (AgeBandSet.PRIMERO, {"0–5": 0, "6–11": 0, "12–17": 5, "18+": 4, "невідомо": 2}),
        (
            AgeBandSet.UNHCR,
            {"0–4": 0, "5–11": 0, "12–17": 5, "18–59": 4, "60+": 0, "невідомо": 2},
        ),
    ],
)
def test_other_age_band_sets(march, band_set, expected):
    table = one_dimension_table(ConsultationFilter(MARCH), DIMENSIONS["age_band"], band_set)
    assert counts(table) == expected


def test_demographic_dimensions(march):
    everyone = ConsultationFilter(MARCH)
    gender = counts(one_dimension_table(everyone, DIMENSIONS["gender"], SRH))
    assert gender == {
        label(Gender.FEMALE): 8,
        label(Gender.MALE): 2,
        label(Gender.OTHER): 0,
        label(Gender.UNKNOWN): 1,
    }
    oblast = counts(one_dimension_table(everyone, DIMENSIONS["oblast"], SRH))
    assert oblast == {
        label(Oblast.DNIPROPETROVSK): 2,
        label(Oblast.ZAPORIZHZHIA): 7,
        label(Oblast.DONETSK): 1,
        label(Oblast.UNKNOWN): 1,
    }
    settlement = counts(one_dimension_table(everyone, DIMENSIONS["settlement_type"], SRH))
    assert settlement == {
        label(SettlementType.CITY): 2,
        label(SettlementType.SETTLEMENT): 2,
        label(SettlementType.VILLAGE): 6,
        label(SettlementType.UNKNOWN): 1,
    }
    relation = counts(one_dimension_table(everyone, DIMENSIONS["caller_relation"], SRH))
    assert list(relation.values()) == [9, 2]


def test_topics_count_a_form_under_each_of_its_topics(march):
    everyone = ConsultationFilter(MARCH)
    categories = counts(one_dimension_table(everyone, DIMENSIONS["topic_category"], SRH))
    named = {key: str(category) for key, category in march.categories.items()}
    # C5 is about violence and contraception; C7 has no topic.
    assert categories[named["contraception"]] == 7
    assert categories[named["violence"]] == 3
    assert categories[named["other"]] == 1
    assert categories["Без теми"] == 1
    # Seeded categories nobody asked about are listed with 0.
    assert sum(categories.values()) == 12
    topics = one_dimension_table(everyone, DIMENSIONS["topic"], SRH)
    by_topic = counts(topics)
    assert by_topic[str(march.topics["ec"])] == 5
    assert by_topic[str(march.topics["choice"])] == 3
    assert by_topic[str(march.topics["assault"])] == 2
    assert by_topic[str(march.topics["abuse"])] == 1
    assert by_topic[str(march.topics["silent"])] == 1
    assert sum(by_topic.values()) == 13
    assert topics.total[1] == 11


def test_dialled_number_and_consultant(march, alice, bob):
    everyone = ConsultationFilter(MARCH)
    numbers = counts(one_dimension_table(everyone, DIMENSIONS["dialled_number"], SRH))
    assert numbers == {"0800300100": 4, KYIVSTAR: 2, "Не пов’язано з дзвінком": 5}
    consultants = counts(one_dimension_table(everyone, DIMENSIONS["consultant"], SRH))
    assert consultants == {"Аліна": 6, "Богдан": 5}
    only_alice = ConsultationFilter(MARCH, consultant_id=alice.pk)
    assert only_alice.consultations().count() == 6
    only_kyivstar = ConsultationFilter(MARCH, dialled_number=KYIVSTAR)
    assert set(only_kyivstar.consultations()) == {march.forms["C3"], march.forms["C8"]}


def test_pivot_age_by_topic_category(march):
    table = pivot_table(
        ConsultationFilter(MARCH), DIMENSIONS["age_band"], DIMENSIONS["topic_category"], SRH
    )
    header = [str(column.label) for column in table.columns]
    contraception = header.index(str(march.categories["contraception"]))
    violence = header.index(str(march.categories["violence"]))
    other = header.index(str(march.categories["other"]))
    no_topic = header.index("Без теми")
    rows = {row[0]: row for row in table.rows}

    def cells(band: str) -> tuple:
        row = rows[band]
        return row[contraception], row[violence], row[other], row[no_topic], row[-1]

    assert cells("до 14") == (0, 1, 0, 0, 1)
    assert cells("14–17") == (4, 0, 0, 0, 4)
    assert cells("18–24") == (2, 0, 0, 0, 2)
    # C5 is in both columns but once in the row total.
    assert cells("25–34") == (1, 1, 0, 0, 1)
    assert cells("35–49") == (0, 0, 0, 0, 0)
    assert cells("50+") == (0, 1, 0, 0, 1)
    assert cells("невідомо") == (0, 0, 1, 1, 2)
    total = table.total
    assert (total[contraception], total[violence], total[other], total[no_topic]) == (7, 3, 1, 1)
    assert total[-1] == 11


def test_pivot_without_multi_valued_dimension_adds_up(march):
    table = pivot_table(
        ConsultationFilter(MARCH), DIMENSIONS["gender"], DIMENSIONS["settlement_type"], SRH
    )
    for row in table.rows:
        assert sum(row[1:-1]) == row[-1]
    assert sum(row[-1] for row in table.rows) == table.total[-1] == 11
    female = next(row for row in table.rows if row[0] == label(Gender.FEMALE))
    # Female: C5 city; C7, C11 settlement; C1, C2, C4, C8, C12 village.
    assert female[1:] == [1, 2, 5, 0, 8]


def test_snapshot_not_the_card_counts(march):
    """Editing a card later changes no statistics of past forms."""
    client = march.forms["C1"].client
    client.oblast = "UA-46"
    client.age = 40
    client.save()
    oblast = counts(one_dimension_table(ConsultationFilter(MARCH), DIMENSIONS["oblast"], SRH))
    assert oblast[label(Oblast.ZAPORIZHZHIA)] == 7
    assert label(Oblast.LVIV) not in oblast


def test_form_outside_the_period_is_not_counted(march):
    april = ConsultationFilter(
        MARCH.__class__(kyiv(1, 0, month=4).date(), kyiv(30, 0, month=4).date())
    )
    assert list(april.consultations()) == [march.forms["C9"]]


def test_pivot_topic_category_by_topic(march):
    table = pivot_table(
        ConsultationFilter(MARCH), DIMENSIONS["topic_category"], DIMENSIONS["topic"], SRH
    )
    header = [str(column.label) for column in table.columns]
    ec = header.index(str(march.topics["ec"]))
    choice = header.index(str(march.topics["choice"]))
    contraception = next(r for r in table.rows if r[0] == str(march.categories["contraception"]))
    # C2 asked about both: once in each topic column, once in the row total.
    assert (contraception[ec], contraception[choice], contraception[-1]) == (5, 3, 7)
    assert table.total[ec] == 5 and table.total[choice] == 3 and table.total[-1] == 11
