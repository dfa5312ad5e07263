from django import template

from attt import languages

register = template.Library()


@register.filter
def in_language(text):
    """Pick the active language from a catalogue's {vi, en} text (Vietnamese when unsure)."""
    return languages.pick(text)


@register.filter
def fields_named(form, names):
    return [form[name] for name in names.split()]
