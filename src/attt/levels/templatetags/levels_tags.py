from django import template
from django.utils.translation import get_language

register = template.Library()


@register.filter
def in_language(text):
    """Pick the active language from a catalogue's {vi, en} text (Vietnamese when unsure)."""
    if not isinstance(text, dict):
        return text
    language = "en" if (get_language() or "vi").startswith("en") else "vi"
    return text.get(language) or text.get("vi", "")


@register.filter
def fields_named(form, names):
    return [form[name] for name in names.split()]


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None
