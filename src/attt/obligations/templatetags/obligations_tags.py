from django import template
from django.utils.translation import gettext as _

from ..models import DutyState

register = template.Library()
_LABELS = dict(DutyState.choices)


@register.filter
def get(mapping, key):
    """Counter/dict lookup by a variable key (0 when absent)."""
    return mapping.get(key, 0) if mapping else 0


@register.filter
def count_of(counts, duty_id):
    return counts.get(duty_id, {})


@register.filter
def state_label(state):
    return _LABELS.get(state, state)


@register.filter
def event_label(kind):
    from attt import languages

    from ..catalogue import catalogue

    return languages.pick(catalogue().events.get(kind, {"vi": kind, "en": kind}))


@register.filter
def reason_label(reason):
    return {"not_in_force": _("Not in force today"), "predicate": _("Does not apply to this subject"),
            "not_triggered": _("No event has triggered it")}.get(reason, reason)


@register.filter
def confidence_label(confidence):
    return {"verified": _("checked against the text"), "summary": _("checked against summaries only"),
            "brief": _("stated in the brief; no source found")}.get(confidence, confidence)


@register.filter
def in_force(duty, day):
    return duty.in_force_on(day)


@register.filter
def predicate(tree):
    """A compact, readable form of an ``applies_to`` predicate."""
    if "fact" in tree:
        (operator,) = [key for key in tree if key != "fact"]
        value = tree[operator]
        symbol = {"is": "=", "in": "∈", "at_least": "≥", "at_most": "≤", "before": "<", "on_or_after": "≥",
                  "known": "known"}[operator]
        shown = ", ".join(map(str, value)) if isinstance(value, list) else str(value).lower()
        return f"{tree['fact']} {symbol} {shown}" if operator != "known" else f"{tree['fact']} {symbol}"
    if "all" in tree:
        return " ∧ ".join(f"({predicate(child)})" if len(child) == 1 and ("any" in child) else predicate(child)
                          for child in tree["all"])
    if "any" in tree:
        return " ∨ ".join(predicate(child) for child in tree["any"])
    if "not" in tree:
        return f"¬({predicate(tree['not'])})"
    return _("everyone")


def _day_month(text):
    month, day = text.split("-")
    return f"{day}/{month}"


@register.filter
def schedule_text(duty):
    from attt import languages

    from ..catalogue import catalogue

    schedule = duty.schedule
    events = catalogue().events
    parts = []
    if "every_months" in schedule:
        months = schedule["every_months"]
        if isinstance(months, int):
            parts.append(_("every %(n)s months since the last evidence") % {"n": months})
        else:
            by_level = ", ".join(f"{level}: {months['by_level'][level]}" for level in sorted(months["by_level"]))
            parts.append(_("every N months by level (%(levels)s) since the last evidence") % {"levels": by_level})
    for entry in schedule.get("calendar", ()):
        parts.append(_("due %(due)s (counts from %(opens)s)") % {"due": _day_month(entry["due"]),
                                                                 "opens": _day_month(entry["opens"])})
    if "once" in schedule:
        once = schedule["once"]
        if "due" in once:
            day = once["due"].split("-")
            parts.append(_("once, by %(date)s") % {"date": f"{day[2]}/{day[1]}/{day[0]}"})
        elif "after_go_live_days" in once:
            parts.append(_("once, within %(n)s days of go-live") % {"n": once["after_go_live_days"]})
        else:
            parts.append(_("once, no deadline"))
    if schedule.get("before_go_live"):
        parts.append(_("before go-live"))
    for key in ("on_event", "on_events"):
        if key in schedule:
            names = ", ".join(languages.pick(events[kind]) for kind in schedule[key]["events"])
            parts.append(_("within %(n)s days of: %(events)s") % {"n": schedule[key]["within_days"], "events": names})
    if schedule.get("policy_default"):
        parts.append(_("(ATTT default: the instrument sets no number)"))
    return "; ".join(parts)
