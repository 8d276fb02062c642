from django import template

from hotline_crm.phones import display
from hotline_workspace import form_links, journal

register = template.Library()


@register.filter
def phone(value: str) -> str:
    """A stored number written the way a Ukrainian reads it."""
    return display(value or "")


@register.filter
def person(user) -> str:
    """A colleague's name as the team knows them; empty for nobody."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


@register.filter
def needs_form(call) -> bool:
    """A call the consultant talked on that no consultation form records yet."""
    return journal.needs_form(call)


@register.simple_tag(takes_context=True)
def fill_form_url(context, call) -> str:
    """The link «Заповнити форму для цього дзвінка», or empty (form_links.py)."""
    return form_links.fill_form_url(call, context["request"].user)
