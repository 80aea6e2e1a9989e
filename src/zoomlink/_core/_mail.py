"""A notification as an e-mail: plain text and HTML rendered from ``string.Template`` s a host
can override per kind, with the booking's invitation inline (``text/calendar``) and attached
(``invite.ics``), and the notice's dedupe key in the Message-ID."""

from __future__ import annotations

import hashlib
import html
from collections.abc import Mapping
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from string import Template

import attrs

from zoomlink._core._invites import ics
from zoomlink.errors import ConfigurationError
from zoomlink.models import Notification, NotificationKind


@attrs.frozen
class MailTemplate:
    """How one kind of notification reads as an e-mail: three ``string.Template`` texts.

    Each may use ``$subject``, ``$text`` (the notification's body), ``$title``, ``$join_url``,
    ``$meeting_id``, ``$passcode``, ``$action_url`` and ``$kind``; values missing for a notice
    are empty. In ``html`` every value is HTML-escaped, and ``$text`` keeps its line breaks.

    Attributes:
        subject: The Subject line.
        text: The plain-text body.
        html: The HTML body.
    """

    subject: str = "$subject"
    text: str = "$text\n"
    html: str = "<!DOCTYPE html>\n<html><body>\n<p>$text</p>\n</body></html>\n"


DEFAULT_TEMPLATE = MailTemplate()
"""What every kind uses unless the host gives its own."""

_SAMPLE = dict.fromkeys(
    ("subject", "text", "title", "join_url", "meeting_id", "passcode", "action_url", "kind"), "x"
)


def check_templates(templates: Mapping[NotificationKind, MailTemplate]) -> None:
    """Refuse templates that name an unknown placeholder, before any mail is sent."""
    for kind, template in templates.items():
        for part in ("subject", "text", "html"):
            try:
                Template(getattr(template, part)).substitute(_SAMPLE)
            except (KeyError, ValueError) as error:
                raise ConfigurationError(
                    f"the {kind} mail template's {part} has a bad placeholder: {error}"
                ) from None


def _values(notification: Notification) -> dict[str, str]:
    invite = notification.invite
    meeting_id = notification.meeting_id or (invite.meeting_id if invite else None)
    return {
        "subject": notification.subject,
        "text": notification.text,
        "title": invite.title if invite else notification.subject,
        "join_url": invite.join_url if invite else "",
        "meeting_id": str(meeting_id or ""),
        "passcode": invite.passcode if invite else "",
        "action_url": notification.action_url or "",
        "kind": notification.kind,
    }


def _html_values(values: Mapping[str, str]) -> dict[str, str]:
    escaped = {name: html.escape(value) for name, value in values.items()}
    escaped["text"] = escaped["text"].replace("\n", "<br>\n")
    return escaped


def message(
    notification: Notification,
    *,
    recipient: str,
    sender: str,
    template: MailTemplate = DEFAULT_TEMPLATE,
) -> EmailMessage:
    """The e-mail for one notification. Its Message-ID is made of the notice's key, so a
    notice sent again after a failure carries the same Message-ID and a mail system that
    de-duplicates by it shows one message."""
    values = _values(notification)
    mail = EmailMessage()
    mail["Subject"] = Template(template.subject).substitute(values).replace("\n", " ")
    mail["From"] = sender
    mail["To"] = recipient
    mail["Date"] = format_datetime(notification.created_at)
    domain = _domain(sender)
    mail["Message-ID"] = f"<{notification.key or _content_key(notification)}@{domain}>"
    mail.set_content(Template(template.text).substitute(values))
    mail.add_alternative(Template(template.html).substitute(_html_values(values)), subtype="html")
    if notification.invite is not None:
        invite = notification.invite
        if not invite.organizer:  # RFC 5546: a REQUEST or CANCEL names its organizer
            invite = attrs.evolve(invite, organizer=_bare(sender), organizer_name="")
        data = ics(invite, notification.created_at, attendee=recipient)
        mail.add_alternative(
            data.decode("utf-8"), subtype="calendar", params={"method": invite.method}
        )
        mail.add_attachment(
            data,
            maintype="application",
            subtype="ics",
            filename="cancel.ics" if invite.method == "CANCEL" else "invite.ics",
        )
    return mail


def _content_key(notification: Notification) -> str:
    """For a notice without a key: a digest of what it says, so a resend still matches."""
    parts = (
        notification.kind,
        notification.tenant,
        notification.recipient_id,
        notification.address,
    )
    text = "\x00".join(str(part) for part in (*parts, notification.subject, notification.text))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def _bare(sender: str) -> str:
    """``bookings@example.com`` from ``Bookings <bookings@example.com>``."""
    return sender.rpartition("<")[2].rstrip(">").strip()


def _domain(sender: str) -> str:
    """The domain of the sender's address, for Message-IDs."""
    bare = _bare(sender)
    try:
        domain = Address(addr_spec=bare).domain
    except (ValueError, IndexError) as error:
        raise ConfigurationError(f"sender {sender!r} is not an e-mail address: {error}") from None
    if not domain:
        raise ConfigurationError(f"sender {sender!r} is not an e-mail address with a domain")
    return domain


def check_sender(sender: str) -> None:
    """Refuse a sender that is not an e-mail address, before any mail is sent."""
    _domain(sender)
