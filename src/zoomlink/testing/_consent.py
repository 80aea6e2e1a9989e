"""The consent page: a small HTML form to pick a user and Authorize or Cancel, and its parser.

Everything put into the page is escaped with `html.escape`. `parse_consent_form` reads the
page back the way a browser would, for `FakeZoom.approve` and `FakeZoom.deny`.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from html.parser import HTMLParser

import attrs

from ._records import FakeApp, FakeUser

_STYLE = (
    "body{font-family:sans-serif;max-width:32em;margin:3em auto;color:#222}"
    "fieldset{border:1px solid #ccc;padding:1em}label{display:block;margin:.3em 0}"
    "button{margin:1em .5em 0 0;padding:.4em 1.2em}"
)


def _page(title: str, content: str) -> str:
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(title)}</title>\n<style>{_STYLE}</style>\n</head>\n"
        f"<body>\n<h1>{escape(title)}</h1>\n{content}</body>\n</html>\n"
    )


def consent_page(app: FakeApp, consent_id: str, users: Sequence[FakeUser], action: str) -> str:
    """The page asking which user signs in and whether to authorize `app`."""
    kind = "an admin-managed app" if app.kind == "account" else "an app"
    radios = "".join(
        f'<label><input type="radio" name="user_id" value="{escape(user.id)}"'
        f"{' checked' if index == 0 else ''}> "
        f"{escape(user.first_name)} {escape(user.last_name)} &lt;{escape(user.email)}&gt; "
        f"({escape(user.role)}, account {escape(user.account_id)})</label>\n"
        for index, user in enumerate(users)
    )
    if not users:
        radios = "<p>No users have been seeded.</p>\n"
    content = (
        f"<p><strong>{escape(app.client_id)}</strong> ({kind}) would like to access your Zoom "
        "account: your profile and your meetings.</p>\n"
        f'<form method="post" action="{escape(action)}">\n'
        f'<input type="hidden" name="consent_id" value="{escape(consent_id)}">\n'
        f"<fieldset>\n<legend>Sign in as</legend>\n{radios}</fieldset>\n"
        '<button type="submit" name="action" value="authorize">Authorize</button>\n'
        '<button type="submit" name="action" value="cancel">Cancel</button>\n'
        "</form>\n"
    )
    return _page("Authorize app - Zoom (fake)", content)


def error_page(message: str) -> str:
    """An error page showing `message`."""
    return _page("Zoom (fake): cannot authorize", f'<p class="error">{escape(message)}</p>\n')


@attrs.frozen
class ConsentForm:
    """The consent page's form as a browser sees it."""

    action: str
    hidden: dict[str, str]
    user_ids: tuple[str, ...]
    buttons: tuple[str, ...]


class _FormReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.action: str | None = None
        self.hidden: dict[str, str] = {}
        self.user_ids: list[str] = []
        self.buttons: list[str] = []
        self.error = ""
        self._in_error = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form":
            self.action = attributes.get("action", "")
        elif tag == "input" and attributes.get("type") == "hidden":
            self.hidden[attributes.get("name", "")] = attributes.get("value", "")
        elif tag == "input" and attributes.get("type") == "radio":
            self.user_ids.append(attributes.get("value", ""))
        elif tag == "button" and attributes.get("name") == "action":
            self.buttons.append(attributes.get("value", ""))
        elif tag == "p" and attributes.get("class") == "error":
            self._in_error = True

    def handle_endtag(self, tag: str) -> None:
        self._in_error = self._in_error and tag != "p"

    def handle_data(self, data: str) -> None:
        if self._in_error:
            self.error += data


def parse_consent_form(page: str) -> ConsentForm | None:
    """The form on a consent page, or None if the page has no form."""
    reader = _FormReader()
    reader.feed(page)
    reader.close()
    if reader.action is None:
        return None
    return ConsentForm(
        action=reader.action,
        hidden=reader.hidden,
        user_ids=tuple(reader.user_ids),
        buttons=tuple(reader.buttons),
    )


def page_error(page: str) -> str:
    """The message of an error page ("" if there is none)."""
    reader = _FormReader()
    reader.feed(page)
    reader.close()
    return reader.error.strip()
