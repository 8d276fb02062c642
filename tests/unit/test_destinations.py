"""Where consultants may call: the table, the administrator's prefixes, the rendered dialplan."""

import phonenumbers
import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from hotline_asterisk_connector.destinations import (
    DiallingPolicy,
    e164_digits,
    parse_prefixes,
    policy,
)
from hotline_asterisk_connector.models import PbxSettings
from hotline_asterisk_connector.pbx import ConfigurationError, load_config, render_configuration

DEFAULT = DiallingPolicy()
ALLOWED_TYPES = {
    phonenumbers.PhoneNumberType.FIXED_LINE,
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
}


def test_the_ukrainian_table_is_the_national_plans_landline_and_mobile_ranges():
    """Every three-digit start of a national number: allowed exactly when the
    numbering plan (libphonenumber's metadata) says landline or mobile."""
    differ = []
    for first in range(100, 1000):
        number = f"+380{first}123456"
        kind = phonenumbers.number_type(phonenumbers.parse(number))
        if DEFAULT.allows(number) != (kind in ALLOWED_TYPES):
            differ.append((number, kind))
    assert differ == []
    # 27 landline and 20 mobile two-digit codes (ten three-digit starts each), and 790.
    assert sum(DEFAULT.allows(f"+380{first}123456") for first in range(100, 1000)) == 471


@pytest.mark.parametrize(
    ("dialled", "allowed"),
    [
        ("+380671234567", True),  # Kyivstar mobile
        ("0671234567", True),
        ("380 44 222 33 44", True),  # Kyiv landline
        ("0442223344", True),
        ("0322123456", True),  # Lviv
        ("0900123456", False),  # premium-rate
        ("0901234567", False),
        ("+380800500335", False),  # free 0-800: not by default
        ("0891234567", False),  # VoIP range
        ("067123456", False),  # a digit short
        ("06712345678", False),  # a digit long
        ("+48123456789", False),  # Poland
        ("0048123456789", False),
        ("+12025550123", False),
        ("112", False),
        ("", False),
    ],
)
def test_by_default_only_ukrainian_landline_and_mobile_numbers(dialled, allowed):
    assert DEFAULT.allows(dialled) is allowed


def test_opened_prefixes_allow_their_numbers_only_while_switched_on():
    opened = policy(True, "+48, +380800")
    assert opened.allows("+48123456789")
    assert opened.allows("0048123456789")
    assert opened.allows("0800500335")
    assert not opened.allows("+49301234567")
    assert not opened.allows("0900123456")
    assert not policy(False, "+48").allows("+48123456789")


def test_the_dialplan_and_the_app_read_a_dialled_number_alike():
    assert e164_digits("0671234567") == "380671234567"
    assert e164_digits("380671234567") == "380671234567"
    assert e164_digits("0048123456789") == "48123456789"
    assert e164_digits("48123456789") == "48123456789"
    assert e164_digits("112") == ""


@pytest.mark.parametrize(
    ("text", "expected"),
    [("", ()), ("+48", ("48",)), (" +48;+373 +380800, +48 ", ("48", "373", "380800"))],
)
def test_prefixes_are_read_from_the_administrators_list(text, expected):
    assert parse_prefixes(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("48", "це не префікс"),
        ("+", "це не префікс"),
        ("+48x", "це не префікс"),
        ("+48\n[evil]", "це не префікс"),
        ("+3", "платні"),
        ("+380", "платні"),
        ("+38090", "платні"),
        ("+3809001", "платні"),
        ("+38070", "платні"),
        (", ".join(["+48"] * 31), "Не більше"),
    ],
)
def test_a_bad_or_premium_prefix_is_refused_in_ukrainian(text, message):
    with pytest.raises(ValidationError) as refused:
        parse_prefixes(text)
    assert message in " ".join(refused.value.messages)


def test_the_dialplan_lists_the_allowed_destinations(db, tmp_path):
    PbxSettings.objects.update_or_create(
        pk=1, defaults={"outbound_allow_other": True, "outbound_prefixes": "+48"}
    )
    with override_settings(
        HOTLINE_ASTERISK_DIR=tmp_path / "asterisk",
        RECORDINGS_DIR=tmp_path / "recordings",
        VOICEMAIL_DIR=tmp_path / "voicemail",
        PROMPTS_DIR=tmp_path / "prompts",
    ):
        render_configuration(load_config())
    dialplan = (tmp_path / "asterisk" / "etc" / "extensions.conf").read_text()
    allowed = dialplan.split("[hotline-allowed-destinations]")[1].split("\n[")[0]
    assert "exten => _38067XXXXXXX,1,NoOp()" in allowed
    assert "exten => _380790XXXXXX,1,NoOp()" in allowed
    assert "exten => _48.,1,NoOp()" in allowed
    assert "380800" not in allowed and "38090" not in allowed
    assert allowed.count("exten => ") == 48 + 2


def test_a_prefix_list_that_bypassed_the_form_stops_the_rendering(db):
    # A restore or a shell can store what no form would accept.
    PbxSettings.objects.update_or_create(
        pk=1, defaults={"outbound_allow_other": True, "outbound_prefixes": "+48\n[evil]"}
    )
    with pytest.raises(ConfigurationError, match="інші дозволені префікси"):
        load_config()
