"""Seed the two-level topic taxonomy: SRH, the six GBVIMS core incident types, other contacts.

Administrators edit, reorder and deactivate these in the admin later; the
codes stay fixed so reports can rely on them. The context of violence
(domestic / intimate partner / other) is a separate field on the form, as in
GBVIMS, so it is not repeated here as topics.
"""

from django.db import migrations

# (code, kind, Ukrainian, English, [(code, Ukrainian, English), ...])
TAXONOMY = [
    (
        "contraception",
        "srh",
        "Контрацепція",
        "Contraception",
        [
            ("contraception-choice", "Вибір методу контрацепції", "Choosing a contraceptive method"),
            ("emergency-contraception", "Екстрена контрацепція", "Emergency contraception"),
            ("contraception-problems", "Побічні ефекти і проблеми з методом", "Side effects and problems with a method"),
            ("contraception-access", "Де отримати контрацептиви", "Where to get contraceptives"),
        ],
    ),
    (
        "pregnancy",
        "srh",
        "Вагітність і допологовий догляд",
        "Pregnancy and antenatal care",
        [
            ("pregnancy-suspected", "Підозра на вагітність, тест", "Suspected pregnancy, testing"),
            ("antenatal-care", "Спостереження під час вагітності", "Antenatal care"),
            ("pregnancy-complications", "Ускладнення вагітності", "Pregnancy complications"),
            ("childbirth-postnatal", "Пологи і післяпологовий період", "Childbirth and postnatal care"),
        ],
    ),
    (
        "abortion",
        "srh",
        "Аборт",
        "Abortion",
        [
            ("abortion-access", "Доступ до безпечного аборту", "Access to safe abortion"),
            ("post-abortion-care", "Післяабортний догляд", "Post-abortion care"),
        ],
    ),
    (
        "sti-hiv",
        "srh",
        "ІПСШ і ВІЛ",
        "STIs and HIV",
        [
            ("sti", "Інфекції, що передаються статевим шляхом", "Sexually transmitted infections"),
            ("hiv-testing", "Тестування на ВІЛ", "HIV testing"),
            ("hiv-prep-pep", "Доконтактна і постконтактна профілактика ВІЛ", "HIV PrEP and PEP"),
            ("hiv-living", "Життя з ВІЛ, лікування", "Living with HIV, treatment"),
        ],
    ),
    (
        "menstrual-health",
        "srh",
        "Менструальне здоров'я",
        "Menstrual health",
        [
            ("menstrual-cycle", "Менструальний цикл і його порушення", "Menstrual cycle and its disorders"),
            ("menstrual-hygiene", "Засоби менструальної гігієни", "Menstrual hygiene products"),
        ],
    ),
    (
        "infertility",
        "srh",
        "Безпліддя",
        "Infertility",
        [
            ("infertility-diagnosis", "Обстеження при безплідді", "Infertility investigations"),
            ("assisted-reproduction", "Допоміжні репродуктивні технології", "Assisted reproduction"),
        ],
    ),
    (
        "menopause",
        "srh",
        "Менопауза",
        "Menopause",
        [
            ("menopause", "Менопауза і клімактеричні симптоми", "Menopause and its symptoms"),
        ],
    ),
    (
        "adolescents",
        "srh",
        "Сексуальне здоров'я підлітків",
        "Adolescents' sexual health",
        [
            ("puberty", "Статеве дозрівання", "Puberty"),
            ("first-sex-consent", "Перший сексуальний досвід і згода", "First sexual experience and consent"),
            ("youth-friendly-services", "Послуги, дружні до молоді", "Youth-friendly services"),
        ],
    ),
    (
        "sexual-health",
        "srh",
        "Сексуальне здоров'я і стосунки",
        "Sexual health and relationships",
        [
            ("sexual-function", "Сексуальна функція", "Sexual function"),
            ("gynaecological-urological", "Гінекологічні та урологічні захворювання", "Gynaecological and urological conditions"),
            ("cancer-screening", "Скринінг раку шийки матки і молочної залози", "Cervical and breast cancer screening"),
            ("relationships", "Стосунки і сексуальність", "Relationships and sexuality"),
        ],
    ),
    (
        "gbv-incident",
        "gbv",
        "Тип насильства (GBVIMS)",
        "Type of violence (GBVIMS)",
        [
            ("gbv-rape", "Зґвалтування", "Rape"),
            ("gbv-sexual-assault", "Сексуальне насильство (крім зґвалтування)", "Sexual assault"),
            ("gbv-physical-assault", "Фізичне насильство", "Physical assault"),
            ("gbv-forced-marriage", "Примусовий шлюб", "Forced marriage"),
            ("gbv-denial-of-resources", "Позбавлення ресурсів, можливостей чи послуг", "Denial of resources, opportunities or services"),
            ("gbv-psychological-abuse", "Психологічне або емоційне насильство", "Psychological or emotional abuse"),
        ],
    ),
    (
        "gbv-support",
        "gbv",
        "Допомога постраждалим від насильства",
        "Support for survivors of violence",
        [
            ("gbv-medical-care", "Медична допомога після насильства", "Medical care after violence"),
            ("gbv-safety-shelter", "Безпека і притулок", "Safety planning and shelter"),
            ("gbv-legal-police", "Правова допомога і поліція", "Legal aid and police"),
            ("gbv-psychological-support", "Психологічна підтримка", "Psychological support"),
        ],
    ),
    (
        "non-counselling",
        "other",
        "Звернення без консультації",
        "Contacts without counselling",
        [
            ("information", "Довідкова інформація", "Information request"),
            ("referral", "Переадресація до іншої служби", "Referral to another service"),
            ("silent", "Мовчазний дзвінок", "Silent call"),
            ("test", "Тестовий дзвінок", "Test call"),
            ("prank", "Хуліганський дзвінок", "Prank call"),
            ("wrong-number", "Помилковий номер", "Wrong number"),
        ],
    ),
]


def seed(apps, schema_editor):
    TopicCategory = apps.get_model("hotline_crm", "TopicCategory")
    Topic = apps.get_model("hotline_crm", "Topic")
    for category_order, (code, kind, name, name_en, topics) in enumerate(TAXONOMY, start=1):
        category, _ = TopicCategory.objects.get_or_create(
            code=code,
            defaults={"kind": kind, "name": name, "name_en": name_en, "order": category_order * 10},
        )
        for topic_order, (topic_code, topic_name, topic_name_en) in enumerate(topics, start=1):
            Topic.objects.get_or_create(
                code=topic_code,
                defaults={
                    "category": category,
                    "name": topic_name,
                    "name_en": topic_name_en,
                    "order": topic_order * 10,
                },
            )


def unseed(apps, schema_editor):
    """Remove only the seeded topics nobody has used yet."""
    TopicCategory = apps.get_model("hotline_crm", "TopicCategory")
    Topic = apps.get_model("hotline_crm", "Topic")
    codes = [topic[0] for *_, topics in TAXONOMY for topic in topics]
    Topic.objects.filter(code__in=codes, consultation__isnull=True).delete()
    TopicCategory.objects.filter(
        code__in=[entry[0] for entry in TAXONOMY], topics__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("hotline_crm", "0003_client_access_and_name_search")]

    operations = [migrations.RunPython(seed, unseed)]
