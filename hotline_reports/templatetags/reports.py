from django import template

from hotline_reports.tables import format_seconds

register = template.Library()


@register.filter
def duration(value: float | None) -> str:
    return format_seconds(value)


@register.filter
def percent_value(value: float | None) -> str:
    from hotline_reports.tables import Kind, format_cell

    return format_cell(value, Kind.PERCENT)
