"""`make run`'s single web process journals calls itself (the embedded connector)."""

import pytest

from hotline_asterisk_connector.models import Call, Disposition
from tests.connector.running import connector_environment, forget_call_records, wait_for
from tests.support import webapp
from tests.support.ami import event

pytestmark = [pytest.mark.asterisk, pytest.mark.django_db(transaction=True)]


def test_the_web_process_runs_the_connector_and_journals_a_call(pbx, alice, tmp_path):
    pbx.add_trunks()
    line = pbx.add_consultant(alice, "101")
    pbx.settings(wrapup_seconds=0)
    pbx.apply()
    pbx.phone(line)
    pbx.log_in(line)
    forget_call_records(pbx.asterisk)
    app = webapp.start(
        tmp_path / "web",
        {**connector_environment(pbx.asterisk), "HOTLINE_EMBEDDED_CONNECTOR": "1"},
    )
    try:
        log = tmp_path / "web" / "daphne.log"
        wait_for(lambda: b"Caught up with Asterisk" in log.read_bytes(), "the embedded connector")
        pbx.call("tollfree", "0671234567")
        inbound = pbx.inbound("0671234567")
        pbx.ami.wait_for(event("AgentConnect", Linkedid=inbound["Linkedid"]), since=pbx.mark)
        pbx.hang_up(inbound["Channel"])
        call = wait_for(
            lambda: Call.objects.filter(
                linkedid=inbound["Linkedid"], ended_at__isnull=False
            ).first(),
            "the call journaled by the web process",
        )
        assert (call.disposition, call.consultant) == (Disposition.ANSWERED, alice)
    finally:
        app.stop()
    assert b"Traceback" not in (tmp_path / "web" / "daphne.log").read_bytes()
