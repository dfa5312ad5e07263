"""Outgoing mail with a Message-ID we keep: incident reports, periodic reports, customer warnings.

Every mail ATTT sends on someone's behalf is logged with its Message-ID (the recipient's mail
server log proves delivery), so the id is made here, on ATTT's own domain, before sending.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.message import make_msgid


def message_domain() -> str:
    """The host of ``ATTT_BASE_URL`` (without port), the right-hand side of our Message-IDs."""
    return settings.ATTT_BASE_URL.split("//")[-1].split("/")[0].split(":")[0] or "attt"


def new_message_id() -> str:
    return make_msgid(domain=message_domain())


def stored_attachment(field_file, content_type, name=None) -> tuple[str, bytes, str]:
    """(file name, content, type) of a stored file, for ``send``."""
    with field_file.open("rb") as handle:
        return name or field_file.name.rsplit("/", 1)[-1], handle.read(), content_type


def send(subject, body, recipients, attachments=()) -> tuple[str, str]:
    """Send one mail now: (Message-ID, "") when the server took it, ("", "Type: reason") when not.
    A mail failure is the caller's to log, never an exception."""
    message_id = new_message_id()
    message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, list(recipients),
                           headers={"Message-ID": message_id})
    for name, content, content_type in attachments:
        message.attach(name, content, content_type)
    try:
        message.send()
    except Exception as exc:  # noqa: BLE001 - any mail failure is reported to the caller
        return "", f"{type(exc).__name__}: {exc}"[:500]
    return message_id, ""
