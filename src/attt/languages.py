"""The two languages of the platform: Vietnamese first, English second.

Catalogue texts (criteria, procedure, requirements) are ``{"vi": …, "en": …}`` dicts; every place
that shows one picks its language here, so the rule "Vietnamese unless English is active" lives once.
"""

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import get_language


def active() -> str:
    """"en" when English is the active language, otherwise "vi" (also outside a configured Django)."""
    try:
        language = get_language()
    except ImproperlyConfigured:
        language = None
    return "en" if language and language.lower().startswith("en") else "vi"


def pick(text, language=None):
    """A catalogue text in ``language`` (default: the active one), Vietnamese when missing."""
    if not isinstance(text, dict):
        return text
    return text.get(language or active()) or text.get("vi", "")
