"""The apps talk in one direction (docs/decisions/0015): the connector publishes
domain events and serves no page; the CRM knows calls only through its interface."""

import ast
from pathlib import Path

from django.conf import settings

from hotline_asterisk_connector import publish
from hotline_crm import calls
from hotline_reports import wallboard_events
from hotline_workspace import screenpop

ROOT = Path(settings.BASE_DIR)


def imported_modules(app: str) -> set[str]:
    modules = set()
    for path in (ROOT / app).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                modules.add(node.module)
            elif isinstance(node, ast.Import):
                modules.update(alias.name for alias in node.names)
    return modules


def test_the_crm_never_imports_the_connector_nor_reaches_into_model_meta():
    assert not {m for m in imported_modules("hotline_crm") if m.startswith("hotline_asterisk")}
    for path in (ROOT / "hotline_crm").rglob("*.py"):
        if "migrations" not in path.parts:
            assert "_meta" not in path.read_text(), path


def test_the_connector_serves_no_page_or_websocket_and_imports_no_desk():
    for gone in ("views.py", "urls.py", "consumers.py", "routing.py", "screenpop.py"):
        assert not (ROOT / "hotline_asterisk_connector" / gone).exists(), gone
    imports = imported_modules("hotline_asterisk_connector")
    assert not {m for m in imports if m.startswith(("hotline_workspace", "hotline_reports"))}


def test_the_workspace_and_the_reports_subscribe_to_the_connectors_events():
    subscribers = publish._subscribers
    assert screenpop.on_event in subscribers
    assert wallboard_events.on_event in subscribers


def test_the_connector_registered_its_call_journal_for_the_crm():
    journal = calls.journal()
    assert type(journal).__module__ == "hotline_asterisk_connector.crm_journal"
