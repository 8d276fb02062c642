"""The consultation form: required fields, errors, data kept, the demographic snapshot."""

import datetime

from django.urls import reverse
from django.utils import timezone

from hotline_asterisk_connector.models import Call
from hotline_crm.models import AgeStatus, Consultation, Gender, Oblast, SettlementType
from tests.crm.conftest import SECRET_SUMMARY, browser_for, topic


def form_data(topics=(), **fields) -> dict:
    data = {
        "card-age": "24",
        "card-age_status": AgeStatus.KNOWN,
        "card-gender": Gender.FEMALE,
        "card-oblast": Oblast.DNIPROPETROVSK,
        "card-settlement_type": SettlementType.CITY,
        "caller_relation": "self",
        "topics": [str(topic(code).pk) for code in topics],
        "gbv_context": "",
        "summary": "",
        "action_taken": "",
        "outcome": "informed",
        "follow_up_date": "",
    }
    data.update(fields)
    return data


def post_new(user, client, data, **query):
    url = reverse("hotline_crm:consultation_create", args=[client.pk])
    if query:
        url += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return browser_for(user).post(url, data)


def test_saving_a_form_records_author_topics_and_snapshot(alice, alices_client):
    data = form_data(
        ["emergency-contraception", "contraception-access"],
        summary="Питала про екстрену контрацепцію.",
        action_taken="Дала адреси аптек.",
    )
    response = post_new(alice, alices_client, data)

    consultation = Consultation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "hotline_crm:consultation_detail", args=[consultation.pk]
    )
    assert consultation.consultant == alice
    assert consultation.client == alices_client
    assert sorted(consultation.topics.values_list("code", flat=True)) == [
        "contraception-access",
        "emergency-contraception",
    ]
    assert (
        consultation.snapshot_age,
        consultation.snapshot_age_status,
        consultation.snapshot_gender,
        consultation.snapshot_oblast,
        consultation.snapshot_settlement_type,
    ) == (24, AgeStatus.KNOWN, Gender.FEMALE, Oblast.DNIPROPETROVSK, SettlementType.CITY)
    alices_client.refresh_from_db()
    assert alices_client.last_contact_at is not None


def test_demographics_typed_on_the_form_update_the_card_and_the_snapshot(alice, alices_client):
    data = form_data(
        ["puberty"],
        **{"card-age": "25", "card-oblast": Oblast.ZAPORIZHZHIA, "card-settlement_type": "village"},
    )
    post_new(alice, alices_client, data)

    consultation = Consultation.objects.get()
    alices_client.refresh_from_db()
    assert (alices_client.age, alices_client.oblast, alices_client.settlement_type) == (
        25,
        Oblast.ZAPORIZHZHIA,
        SettlementType.VILLAGE,
    )
    assert (consultation.snapshot_age, consultation.snapshot_oblast) == (25, Oblast.ZAPORIZHZHIA)
    assert consultation.snapshot_settlement_type == SettlementType.VILLAGE


def test_editing_the_card_later_does_not_change_an_older_forms_snapshot(alice, alices_form):
    client = alices_form.client
    edit = {
        "name": client.name,
        "age": "40",
        "age_status": AgeStatus.KNOWN,
        "gender": Gender.OTHER,
        "oblast": Oblast.LVIV,
        "settlement_type": SettlementType.VILLAGE,
        "settlement": "",
        "idp_status": "",
        "is_confidential": "on",
        "notes": "",
        "phones-TOTAL_FORMS": "0",
        "phones-INITIAL_FORMS": "0",
    }
    response = browser_for(alice).post(reverse("hotline_crm:client_edit", args=[client.pk]), edit)
    assert response.status_code == 302

    alices_form.refresh_from_db()
    client.refresh_from_db()
    assert (client.age, client.oblast) == (40, Oblast.LVIV)
    assert (
        alices_form.snapshot_age,
        alices_form.snapshot_gender,
        alices_form.snapshot_oblast,
        alices_form.snapshot_settlement_type,
    ) == (24, Gender.FEMALE, Oblast.DNIPROPETROVSK, SettlementType.CITY)


def test_correcting_a_form_keeps_its_snapshot(alice, alices_form):
    client = alices_form.client
    client.age = 60
    client.save()
    data = form_data(
        ["gbv-psychological-abuse"],
        gbv_context="domestic",
        summary="Виправлено.",
        outcome="informed",
    )
    url = reverse("hotline_crm:consultation_edit", args=[alices_form.pk])
    assert browser_for(alice).post(url, data).status_code == 302

    alices_form.refresh_from_db()
    assert alices_form.summary == "Виправлено."
    assert alices_form.gbv_context == "domestic"
    assert alices_form.snapshot_age == 24


def test_topics_and_outcome_are_required_and_everything_typed_stays(alice, alices_client):
    data = form_data([], summary="Довгий опис розмови", action_taken="Дала номер", outcome="")
    response = post_new(alice, alices_client, data)

    text = response.content.decode()
    assert response.status_code == 200
    assert "Оберіть принаймні одну тему." in text
    assert "Оберіть результат." in text
    assert "Довгий опис розмови" in text
    assert "Дала номер" in text
    assert not Consultation.objects.exists()


def test_chosen_topics_stay_ticked_after_an_error(alice, alices_client):
    chosen = topic("hiv-testing")
    response = post_new(alice, alices_client, form_data(["hiv-testing"], outcome=""))
    text = response.content.decode()
    assert f'value="{chosen.pk}"' in text
    ticked = text.split(f'value="{chosen.pk}"')[1].split(">")[0]
    assert "checked" in ticked


def test_violence_topic_needs_its_context(alice, alices_client):
    response = post_new(alice, alices_client, form_data(["gbv-physical-assault"]))
    assert "Оберіть контекст насильства" in response.content.decode()
    assert not Consultation.objects.exists()


def test_context_without_a_violence_topic_is_refused(alice, alices_client):
    response = post_new(alice, alices_client, form_data(["menopause"], gbv_context="domestic"))
    assert "Контекст стосується лише тем насильства" in response.content.decode()
    assert not Consultation.objects.exists()


def test_follow_up_needs_a_date_that_is_not_past(alice, alices_client):
    no_date = post_new(alice, alices_client, form_data(["sti"], outcome="follow_up"))
    assert "Вкажіть дату повторного контакту." in no_date.content.decode()

    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    past = post_new(
        alice, alices_client, form_data(["sti"], outcome="follow_up", follow_up_date=str(yesterday))
    )
    assert "Дата повторного контакту вже минула." in past.content.decode()
    assert not Consultation.objects.exists()

    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    ok = post_new(
        alice, alices_client, form_data(["sti"], outcome="follow_up", follow_up_date=str(tomorrow))
    )
    assert ok.status_code == 302
    assert Consultation.objects.get().follow_up_date == tomorrow


def test_age_error_on_the_form_keeps_the_consultation_text(alice, alices_client):
    data = form_data(["sti"], summary="Текст", **{"card-age": "", "card-age_status": "known"})
    response = post_new(alice, alices_client, data)
    assert "Введіть вік у роках" in response.content.decode()
    assert "Текст" in response.content.decode()
    assert not Consultation.objects.exists()


def test_form_for_a_call_is_attached_to_that_call(alice, alices_client):
    call = Call.objects.create(linkedid="1700.1", client=alices_client, consultant=alice)
    response = post_new(alice, alices_client, form_data(["sti"]), call=call.pk)
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.consultation == Consultation.objects.get()


def test_form_is_not_attached_to_a_colleagues_call(alice, bob, alices_client):
    call = Call.objects.create(linkedid="1700.1", client=alices_client, consultant=bob)
    assert post_new(alice, alices_client, form_data(["sti"]), call=call.pk).status_code == 302
    call.refresh_from_db()
    assert call.consultation is None


def test_form_page_groups_topics_under_their_categories(alice, alices_client):
    url = reverse("hotline_crm:consultation_create", args=[alices_client.pk])
    text = browser_for(alice).get(url).content.decode()
    gbv = text.index("Тип насильства (GBVIMS)")
    for name in ("Зґвалтування", "Примусовий шлюб", "Психологічне або емоційне насильство"):
        assert text.index(name) > gbv
    assert text.index("Екстрена контрацепція") < gbv


def test_retired_topic_is_not_offered_but_stays_on_old_forms(alice, alices_form):
    retired = topic("gbv-psychological-abuse")
    retired.is_active = False
    retired.save()
    new_page = browser_for(alice).get(
        reverse("hotline_crm:consultation_create", args=[alices_form.client_id])
    )
    edit_page = browser_for(alice).get(
        reverse("hotline_crm:consultation_edit", args=[alices_form.pk])
    )
    assert f'value="{retired.pk}"' not in new_page.content.decode()
    assert f'value="{retired.pk}"' in edit_page.content.decode()


def test_author_reads_her_form(alice, alices_form):
    page = browser_for(alice).get(reverse("hotline_crm:consultation_detail", args=[alices_form.pk]))
    assert SECRET_SUMMARY in page.content.decode()
