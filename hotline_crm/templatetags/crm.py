from django import template

from hotline_crm.phones import display

register = template.Library()


@register.filter
def phone(value: str) -> str:
    """A stored number written the way a Ukrainian reads it."""
    return display(value or "")
