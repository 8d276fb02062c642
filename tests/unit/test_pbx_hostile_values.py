"""Nothing from the database reaches Asterisk's configuration unchecked.

Hostile values — a line break (a new option, or a new dialplan line), `;`
(a comment: the rest is cut), `[` (a new section), `=>` (a new extension),
`${` (a dialplan expression), non-ASCII — are refused by the models' own
validation, refused again by the renderer when a row got into the database
without a form (a restore, a shell), and escaped where a value may hold them
(passwords, people's names).
"""

import json

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.test import override_settings

from hotline_admin import backup
from hotline_asterisk_connector.models import ConsultantLine, PbxSettings, Trunk
from hotline_asterisk_connector.pbx import ConfigurationError, load_config, render_configuration
from tests.admin.test_backup import manifest_bytes, write_archive

pytestmark = pytest.mark.django_db

# (PostgreSQL stores no NUL, so ESC stands for the other control characters.)
HOSTILE = ["\n", "\r", ";", "[", "=>", "${", "\x1b", "ї"]

GOOD_TRUNK = {
    "name": "kyivstar",
    "operator": "kyivstar",
    "number": "+380 67 111 00 11",
    "host": "sip.kyivstar.example",
    "username": "0671110011",
    "password": "secret",
    "match": "198.51.100.7",
    "transport": "udp",
}
# Every trunk field that is written into a file, and a value with the hostile
# part in the middle (a value that starts or ends with it is the easy case).
STRICT_TRUNK_FIELDS = {
    "name": "kyiv{}star",
    "number": "067 111{}00 11",
    "host": "sip.kyiv{}star.example",
    "username": "067111{}0011",
    "match": "198.51.100.7{}",
    "operator": "kyivstar{}",
    "transport": "u{}",
}


@pytest.fixture
def dirs(tmp_path):
    with override_settings(
        HOTLINE_ASTERISK_DIR=tmp_path / "asterisk",
        RECORDINGS_DIR=tmp_path / "recordings",
        VOICEMAIL_DIR=tmp_path / "voicemail",
        PROMPTS_DIR=tmp_path / "prompts",
    ):
        yield tmp_path


def rendered_text(dirs) -> str:
    etc = dirs / "asterisk" / "etc"
    return "".join(path.read_text() for path in sorted(etc.glob("*.conf")))


@pytest.mark.parametrize("hostile", HOSTILE, ids=repr)
@pytest.mark.parametrize("field", STRICT_TRUNK_FIELDS)
def test_the_trunk_model_refuses_a_hostile_value(field, hostile):
    trunk = Trunk(**{**GOOD_TRUNK, field: STRICT_TRUNK_FIELDS[field].format(hostile)})
    with pytest.raises(ValidationError) as refused:
        trunk.full_clean()
    assert field in refused.value.message_dict


@pytest.mark.parametrize("hostile", HOSTILE, ids=repr)
@pytest.mark.parametrize("field", STRICT_TRUNK_FIELDS)
def test_a_hostile_trunk_value_saved_without_a_form_is_refused_by_the_renderer(
    dirs, field, hostile
):
    Trunk.objects.create(**{**GOOD_TRUNK, field: STRICT_TRUNK_FIELDS[field].format(hostile)})
    with pytest.raises(ConfigurationError):
        render_configuration(load_config())
    assert not (dirs / "asterisk" / "etc" / "pjsip.conf").exists()


@pytest.mark.parametrize("hostile", ["\n", "\r", "\x07", "\x1b"], ids=repr)
def test_a_password_with_a_line_break_or_control_character_is_refused(dirs, alice, hostile):
    assert "password" in validation_errors(Trunk(**{**GOOD_TRUNK, "password": f"a{hostile}b"}))
    Trunk.objects.create(**{**GOOD_TRUNK, "password": f"a{hostile}b"})
    with pytest.raises(ConfigurationError):
        load_config()


@pytest.mark.parametrize(
    ("field", "value"),
    [("extension", "10\n1"), ("extension", "1;01"), ("extension", "١٠١"), ("extension", "1")],
    ids=repr,
)
def test_a_consultant_line_with_a_hostile_extension_is_refused(dirs, alice, field, value):
    line = ConsultantLine(user=alice, extension=value, webrtc_password="w", sip_password="s")
    assert field in validation_errors(line)
    ConsultantLine.objects.create(
        user=alice, extension=value, webrtc_password="w", sip_password="s"
    )
    with pytest.raises(ConfigurationError):
        load_config()


def test_a_hostile_mobile_number_is_refused(dirs, alice):
    line = ConsultantLine(
        user=alice,
        extension="101",
        webrtc_password="w",
        sip_password="s",
        mobile_number="067${EVIL}",
    )
    assert "mobile_number" in validation_errors(line)


def test_a_queue_strategy_that_is_no_choice_is_refused(dirs):
    PbxSettings.objects.update_or_create(pk=1, defaults={"queue_strategy": "ringall\n[x]"})
    with pytest.raises(ConfigurationError):
        load_config()


def test_passwords_and_names_that_may_hold_anything_are_escaped(dirs):
    """What a carrier's password or a person's name may hold is written so it changes nothing."""
    Trunk.objects.create(**{**GOOD_TRUNK, "password": "pa;ss[w]=>${X}\\ї&<"})
    hostile_name = 'Оля"; ${SHELL(id)} [evil] => 1,System(x) <666>'
    user = User.objects.create(username="olia", first_name=hostile_name)
    ConsultantLine.objects.create(
        user=user, extension="101", webrtc_password="w;1", sip_password="s;1"
    )
    render_configuration(load_config())
    text = rendered_text(dirs)
    pjsip = (dirs / "asterisk" / "etc" / "pjsip.conf").read_text()
    # `;` would start a comment and cut the password: escaped, so Asterisk reads it whole.
    # Written for Asterisk, not for a web page: & and < stay what they are.
    assert "password = pa\\;ss[w]=>${X}\\ї&<\n" in pjsip
    assert "password = w\\;1\n" in pjsip and "password = s\\;1\n" in pjsip
    # The name keeps its letters; quotes, `;`, `$`, braces, brackets, `=>`, `<>` are gone.
    assert 'callerid = "Оля SHELL id evil 1 System x 666" <101>' in pjsip
    for piece in ("${SHELL", "[evil]", "=> 1,System", "System(x)", "<666>"):
        assert piece not in text
    # Every section a file has is one the templates wrote.
    sections = {line for line in pjsip.splitlines() if line.startswith("[")}
    assert sections == {
        "[global]",
        "[transport-udp]",
        "[transport-tcp]",
        "[transport-ws]",
        "[trunk-kyivstar]",
        "[trunk-kyivstar-auth]",
        "[trunk-kyivstar-identify]",
        "[web101]",
        "[sip101]",
    }


def test_restore_refuses_an_archive_with_a_hostile_trunk_and_changes_nothing(db, tmp_path):
    Trunk.objects.create(**GOOD_TRUNK)
    hostile = {
        "model": "hotline_asterisk_connector.trunk",
        "pk": 7,
        "fields": {
            **GOOD_TRUNK,
            "name": "evil\nexten => 666,1,System(id)",
            "port": 5060,
            "register": False,
            "channel_limit": 5,
            "allow_outbound": True,
            "is_default_outbound": False,
            "is_active": True,
            "order": 0,
        },
    }
    archive = write_archive(
        tmp_path / "hostile.tar.gz",
        {"manifest.json": manifest_bytes(), "database.jsonl": json.dumps(hostile).encode()},
    )
    with pytest.raises(backup.BackupError, match="нічого не змінено") as refused:
        backup.restore_backup(archive)
    assert "name" in str(refused.value)
    assert list(Trunk.objects.values_list("name", flat=True)) == ["kyivstar"]


def validation_errors(instance) -> dict:
    try:
        instance.full_clean(validate_unique=False)
    except ValidationError as error:
        return error.message_dict
    return {}
