"""Every page of the application, found from the URL resolver, with real
objects in its address; and the forms each page shows, read from its HTML."""

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.urls import URLPattern, URLResolver, get_resolver, reverse

# Not pages of ours (the Django admin has its own tests) or ones that end
# the session the sweep runs in.
SKIPPED = {"admin", "logout", "set_language", "favicon"}


def url_names() -> list[str]:
    def walk(patterns, namespace: str | None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace != "admin":
                    yield from walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern):
                name = pattern.name or "favicon"
                yield f"{namespace}:{name}" if namespace else name

    return sorted({name for name in walk(get_resolver().url_patterns, None)} - SKIPPED)


def address(world, name: str) -> str:
    """The URL name's address with real objects; a new URL with arguments and
    no entry here fails its sweep, so no page escapes it."""
    w = world
    kwargs = {
        "accounts:staff_action": {"user_id": w.alice.pk, "action": "unlock"},
        "hotline_reports:donors": {"fmt": "csv"},
        "hotline_reports:export_page": {"page_key": "calls"},
        "hotline_reports:export_table": {
            "page_key": "calls",
            "table_key": "per_consultant",
            "fmt": "csv",
        },
        "hotline_asterisk_connector:queue": {"action": "pause"},
        "hotline_admin:consultant_edit": {"line_id": w.line.pk},
        "hotline_admin:consultant_deactivate": {"line_id": w.line.pk},
        "hotline_admin:consultant_reactivate": {"line_id": w.line.pk},
        "hotline_admin:consultant_reset_phones": {"line_id": w.line.pk},
        "hotline_admin:consultant_reset_login": {"line_id": w.line.pk},
        "hotline_admin:consultant_credentials": {"line_id": w.line.pk},
        "hotline_admin:provisioning": {"token": "no-such-token"},
        "hotline_admin:number_edit": {"trunk_id": w.trunk.pk},
        "hotline_admin:exception_edit": {"exception_id": w.exception.pk},
        "hotline_admin:exception_delete": {"exception_id": w.exception.pk},
        "hotline_admin:prompt_upload": {"name": "greeting"},
        "hotline_admin:prompt_restore": {"name": "greeting"},
        "hotline_admin:prompt_audio": {"name": "greeting"},
        "hotline_admin:category_edit": {"category_id": w.topic.category_id},
        "hotline_admin:topic_edit": {"topic_id": w.topic.pk},
        "hotline_admin:backup_download": {"name": "hotline-nothing.tar.gz"},
        "hotline_admin:backup_delete": {"name": "hotline-nothing.tar.gz"},
        "hotline_workspace:attach": {"call_id": w.call.pk, "client_id": w.client.pk},
        "hotline_workspace:call": {"call_id": w.call.pk},
        "hotline_workspace:recording": {"call_id": w.call.pk},
        "hotline_workspace:take": {"item_id": w.callback.pk},
        "hotline_workspace:outcome": {"item_id": w.callback.pk},
        "hotline_workspace:voicemail_audio": {"item_id": w.voicemail.pk},
        "hotline_crm:client_detail": {"pk": w.client.pk},
        "hotline_crm:client_edit": {"pk": w.client.pk},
        "hotline_crm:consultation_create": {"client_pk": w.client.pk},
        "hotline_crm:consultation_detail": {"pk": w.consultation.pk},
        "hotline_crm:consultation_edit": {"pk": w.consultation.pk},
    }
    return reverse(name, kwargs=kwargs.get(name))


def addresses(world) -> dict[str, str]:
    """Every URL name → its address with real objects."""
    return {name: address(world, name) for name in url_names()}


@dataclass
class Form:
    action: str
    method: str
    fields: set[str] = field(default_factory=set)


class _FormReader(HTMLParser):
    def __init__(self, page: str) -> None:
        super().__init__()
        self.page = page
        self.forms: list[Form] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "form":
            action = attributes.get("action") or self.page
            self.forms.append(Form(action, (attributes.get("method") or "get").lower()))
        elif tag in {"input", "select", "textarea", "button"} and self.forms:
            name = attributes.get("name")
            if name and name != "csrfmiddlewaretoken":
                self.forms[-1].fields.add(name)


def forms_on(page: str, html: str) -> list[Form]:
    reader = _FormReader(page)
    reader.feed(html)
    return [form for form in reader.forms if not ENDS_THE_SESSION.search(form.action)]


# Forms whose whole point is to end the session the sweep runs in.
ENDS_THE_SESSION = re.compile(r"^/(logout|i18n)/|/(sign-out|reset-second-factor)/$")
