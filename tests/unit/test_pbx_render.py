"""Rendering the configuration from the database, without an Asterisk."""

import stat

import pytest
from django.test import override_settings

from hotline_asterisk_connector.models import ConsultantLine, Trunk
from hotline_asterisk_connector.pbx import ConfigurationError, load_config, render_configuration
from hotline_asterisk_connector.pbx.apply import reload_plan
from hotline_asterisk_connector.pbx.prompts import prompt_path

pytestmark = pytest.mark.django_db


@pytest.fixture
def dirs(tmp_path):
    with override_settings(
        HOTLINE_ASTERISK_DIR=tmp_path / "asterisk",
        RECORDINGS_DIR=tmp_path / "recordings",
        VOICEMAIL_DIR=tmp_path / "voicemail",
        PROMPTS_DIR=tmp_path / "prompts",
        HOTLINE_AMI_USERNAME="hotline",
        HOTLINE_AMI_SECRET="ami;secret",
    ):
        yield tmp_path


def kyivstar(**fields) -> Trunk:
    values = {
        "name": "kyivstar",
        "operator": "kyivstar",
        "number": "+380 67 111 00 11",
        "host": "sip.kyivstar.example",
        "username": "0671110011",
        "password": "pass;word",
        "register": True,
    }
    return Trunk.objects.create(**{**values, **fields})


def test_trunks_consultants_and_secrets_are_rendered(dirs, alice):
    kyivstar()
    ConsultantLine.objects.create(
        user=alice, extension="101", webrtc_password="w-secret", sip_password="s-secret"
    )
    result = render_configuration(load_config())
    etc = dirs / "asterisk" / "etc"
    pjsip = (etc / "pjsip.conf").read_text()
    assert "[trunk-kyivstar]\ntype = endpoint" in pjsip
    assert "set_var = HOTLINE_DID=+380671110011" in pjsip
    # A ; in a password would start a comment.
    assert "password = pass\\;word" in pjsip
    assert "match = sip.kyivstar.example" in pjsip
    assert "server_uri = sip:sip.kyivstar.example:5060" in pjsip
    assert 'callerid = "Аліна" <101>' in pjsip
    assert "[web101]\ntype = endpoint" in pjsip and "webrtc = yes" in pjsip
    manager = (etc / "manager.conf").read_text()
    assert "bindaddr = 127.0.0.1" in manager
    assert "secret = ami\\;secret" in manager
    assert "permit = 127.0.0.0/255.0.0.0" in manager
    # Three users: the connector, the status page and the one that reloads.
    assert manager.count("\nwrite = ") == 3
    assert "write = originate,agent,reporting\n" in manager
    assert "write = config\n" in manager and "config" not in manager.split("write = config")[0]
    for secret_file in ("pjsip.conf", "manager.conf"):
        assert stat.S_IMODE((etc / secret_file).stat().st_mode) == 0o640
    assert (dirs / "asterisk" / "dirs").read_text().splitlines() == [
        str(dirs / name) for name in ("asterisk", "recordings", "voicemail", "prompts")
    ]
    assert "extensions.conf" in result.changed
    # Rendering again changes nothing, so nothing needs reloading.
    assert render_configuration(load_config()).changed == ()


def test_a_line_break_in_a_value_is_refused_with_a_clear_message(dirs):
    kyivstar(password="secret\n[evil]\ntype=endpoint")
    with pytest.raises(ConfigurationError, match="SIP-пароль: значення має бути в одному рядку"):
        load_config()


def test_a_host_that_is_no_host_is_refused(dirs):
    kyivstar(host="sip.example.com; rm -rf")
    with pytest.raises(ConfigurationError, match="потрібне ім'я вузла або IP-адреса"):
        load_config()


def test_the_toll_free_number_never_carries_outgoing_calls(dirs):
    kyivstar()
    Trunk.objects.create(
        name="tollfree", operator="toll_free", number="0800500123", host="10.0.0.1"
    )
    config = load_config()
    assert [trunk.name for trunk in config.outbound_trunks] == ["kyivstar"]
    assert config.trunk_for_code["067"] == "kyivstar"
    assert "050" not in config.trunk_for_code


def test_each_file_is_reloaded_by_its_module_and_core_files_need_a_restart():
    modules, restart = reload_plan(("queues.conf", "extensions.conf", "pjsip.conf"))
    assert modules == [
        "res_pjsip.so",
        "res_pjsip_outbound_registration.so",
        "pbx_config.so",
        "app_queue.so",
    ]
    assert not restart
    assert reload_plan(("modules.conf",)) == ([], True)


def test_an_administrators_recording_replaces_the_default_prompt(tmp_path):
    custom = tmp_path / "prompts"
    custom.mkdir()
    instance = tmp_path / "asterisk"
    assert prompt_path("greeting", instance, custom) == str(instance / "prompts" / "greeting")
    (custom / "greeting.wav").write_bytes(b"RIFF")
    assert prompt_path("greeting", instance, custom) == str(custom / "greeting")


def test_browsers_get_wss_from_asterisk_itself_when_a_certificate_is_configured(dirs, alice):
    ConsultantLine.objects.create(
        user=alice, extension="101", webrtc_password="w-secret", sip_password="s-secret"
    )
    render_configuration(load_config())
    etc = dirs / "asterisk" / "etc"
    assert "tlsenable" not in (etc / "http.conf").read_text()
    assert "transport = transport-ws\n" in (etc / "pjsip.conf").read_text()

    with override_settings(
        HOTLINE_ASTERISK_TLS_CERT="/etc/hotline/tls/cert.pem",
        HOTLINE_ASTERISK_TLS_KEY="/etc/hotline/tls/key.pem",
        HOTLINE_ASTERISK_HTTPS_PORT=8443,
    ):
        render_configuration(load_config())
    http = (etc / "http.conf").read_text()
    assert "tlsenable = yes" in http
    assert "tlsbindaddr = 127.0.0.1:8443" in http
    assert "tlscertfile = /etc/hotline/tls/cert.pem" in http
    pjsip = (etc / "pjsip.conf").read_text()
    assert "[transport-wss]\ntype = transport\nprotocol = wss" in pjsip
    assert "[web101]\ntype = endpoint\ntransport = transport-wss" in pjsip


def test_the_connector_is_sent_only_the_events_it_applies(dirs):
    from hotline_asterisk_connector.events import EventRouter
    from hotline_asterisk_connector.pbx.config import CONNECTOR_EVENTS

    assert {only.name for only in CONNECTOR_EVENTS} == set(EventRouter().handlers)
    render_configuration(load_config())
    manager = (dirs / "asterisk" / "etc" / "manager.conf").read_text()
    connector = manager.split("[hotline]")[1].split("\n[")[0]
    assert "eventfilter(action(include),name(AgentCalled)) = \n" in connector
    assert (
        "eventfilter(action(include),name(VarSet),header(Variable),method(exact))"
        " = MIXMONITOR_FILENAME\n"
    ) in connector
    # The other users keep every event of their classes.
    assert manager.count("action(include),name(AgentCalled)") == 1
