from django import template

from hotline_audit.search import recent_break_glass_count

register = template.Library()


@register.simple_tag
def break_glass_count() -> int:
    """Cards opened by break-glass in the last 30 days, for the supervisors' menu."""
    return recent_break_glass_count()
