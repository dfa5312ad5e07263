from django import template
from django.utils.translation import gettext as _

from attt import languages

register = template.Library()


def _span(seconds: int) -> str:
    minutes = abs(seconds) // 60
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return _("%(d)s d %(h)s h") % {"d": days, "h": hours}
    if hours:
        return _("%(h)s h %(m)s min") % {"h": hours, "m": minutes}
    return _("%(m)s min") % {"m": minutes}


@register.simple_tag
def countdown(clock, now):
    """"5 h 12 min left" / "overdue by 2 d 3 h" / "" for clocks without a deadline or already sent."""
    remaining = clock.remaining(now)
    if remaining is None or clock.state not in ("due", "overdue"):
        return ""
    seconds = int(remaining.total_seconds())
    if seconds >= 0:
        return _("%(span)s left") % {"span": _span(seconds)}
    return _("overdue by %(span)s") % {"span": _span(seconds)}


@register.filter
def pick(text):
    """The active language's entry of a catalogue {vi, en} text."""
    return languages.pick(text)


@register.simple_tag
def clock_state_label(state):
    return {"due": _("due"), "overdue": _("overdue"), "sent": _("sent"), "sent_late": _("sent late"),
            "acknowledged": _("acknowledged")}.get(state, state)


@register.filter
def in_zone(value, zone):
    """A datetime shown in the case's own time zone."""
    from zoneinfo import ZoneInfo

    return value.astimezone(ZoneInfo(zone)) if value else value
