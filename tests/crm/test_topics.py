"""The seeded taxonomy: SRH topics, the six GBVIMS core incident types, non-counselling contacts."""

from hotline_crm.models import Topic, TopicCategory, TopicKind


def test_the_six_gbvims_core_incident_types_are_seeded(db):
    incident_types = Topic.objects.filter(category__code="gbv-incident")
    assert sorted(incident_types.values_list("name_en", flat=True)) == [
        "Denial of resources, opportunities or services",
        "Forced marriage",
        "Physical assault",
        "Psychological or emotional abuse",
        "Rape",
        "Sexual assault",
    ]
    assert {topic.category.kind for topic in incident_types} == {TopicKind.GBV}


def test_non_counselling_contacts_are_seeded(db):
    codes = set(Topic.objects.filter(category__kind=TopicKind.OTHER).values_list("code", flat=True))
    assert codes == {"information", "referral", "silent", "test", "prank", "wrong-number"}


def test_srh_categories_cover_the_issue_list(db):
    names = set(TopicCategory.objects.filter(kind=TopicKind.SRH).values_list("name_en", flat=True))
    assert {
        "Contraception",
        "Pregnancy and antenatal care",
        "Abortion",
        "STIs and HIV",
        "Menstrual health",
        "Infertility",
        "Menopause",
        "Adolescents' sexual health",
    } <= names


def test_every_category_has_topics_with_names_in_both_languages(db):
    for category in TopicCategory.objects.prefetch_related("topics"):
        assert category.name and category.name_en
        assert category.topics.exists(), category.code
        for topic in category.topics.all():
            assert topic.name and topic.name_en and topic.is_active
