"""The fake's HTML pages (the consent page) read as forms, as a browser would submit them."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

from tests.fake_zoom._seed import User

# --------------------------------------------------------------------------------------------
# A browser's view of the consent page: forms, their controls, and how a click submits them.
# --------------------------------------------------------------------------------------------


@dataclass
class Option:
    """An ``<option>`` of a ``<select>``."""

    value: str | None
    text: str = ""
    selected: bool = False

    @property
    def submitted(self) -> str:
        """The value a browser submits for the option."""
        return self.value if self.value is not None else self.text.strip()


@dataclass
class Control:
    """A form control: input, select, button or textarea."""

    tag: str
    type: str
    name: str | None
    value: str
    checked: bool = False
    text: str = ""
    options: list[Option] = field(default_factory=list)

    @property
    def label(self) -> str:
        """What a person sees for the control (button text / input value / following text)."""
        if self.tag == "button":
            return self.text.strip() or self.value
        if self.type in ("submit", "button", "reset"):
            return self.value
        return self.text.strip()


@dataclass
class Form:
    """An HTML form."""

    action: str
    method: str
    controls: list[Control] = field(default_factory=list)

    def button(self, label: str) -> Control | None:
        """The submit button whose visible label contains ``label`` (case-insensitive)."""
        for c in self.controls:
            is_submit = (c.tag == "button" and c.type == "submit") or (
                c.tag == "input" and c.type in ("submit", "image")
            )
            if is_submit and label.lower() in c.label.lower():
                return c
        return None


class PageParser(HTMLParser):
    """Collects the forms of a page and its visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.text: list[str] = []
        self._form: Form | None = None
        self._labelled: Control | None = None
        self._option: Option | None = None
        self._in_button: Control | None = None
        self._in_textarea: Control | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self._form = Form(action=a.get("action", ""), method=a.get("method", "get") or "get")
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        if tag == "input":
            c = Control(
                "input",
                a.get("type", "text").lower() or "text",
                a.get("name") or None,
                a.get("value", "on" if a.get("type", "").lower() in ("radio", "checkbox") else ""),
                checked="checked" in a,
            )
            self._form.controls.append(c)
            self._labelled = c if c.type in ("radio", "checkbox") else None
        elif tag == "select":
            c = Control("select", "select", a.get("name") or None, "")
            self._form.controls.append(c)
            self._labelled = c
        elif tag == "option" and self._labelled is not None and self._labelled.tag == "select":
            self._option = Option(a.get("value"), selected="selected" in a)
            self._labelled.options.append(self._option)
        elif tag == "button":
            c = Control("button", a.get("type", "submit").lower(), a.get("name") or None, "")
            c.value = a.get("value", "")
            self._form.controls.append(c)
            self._in_button = c
            self._labelled = None
        elif tag == "textarea":
            c = Control("textarea", "textarea", a.get("name") or None, "")
            self._form.controls.append(c)
            self._in_textarea = c
            self._labelled = None

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
            self._labelled = None
        elif tag == "button":
            self._in_button = None
        elif tag == "textarea":
            self._in_textarea = None
        elif tag == "option":
            self._option = None
        elif tag == "select":
            self._labelled = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._in_button is not None:
            self._in_button.text += data
        elif self._in_textarea is not None:
            self._in_textarea.value += data
        elif self._option is not None:
            self._option.text += data
        elif self._labelled is not None and self._labelled.tag == "input":
            self._labelled.text += data


def parse_page(html: str) -> PageParser:
    """Parse an HTML page into forms and text."""
    parser = PageParser()
    parser.feed(html)
    parser.close()
    return parser


def pick_user(form: Form, user: User) -> bool:
    """Select ``user`` in the form the way a person would; False when there is no such choice."""
    wanted = {user.id, user.email}

    def matches(value: str | None, text: str) -> bool:
        return value in wanted or user.email in text

    for c in form.controls:
        if c.tag == "input" and c.type == "radio" and matches(c.value, c.text):
            for other in form.controls:
                if other.type == "radio" and other.name == c.name:
                    other.checked = False
            c.checked = True
            return True
        if c.tag == "select":
            hit = [o for o in c.options if matches(o.value, o.text)]
            if hit:
                for o in c.options:
                    o.selected = o is hit[0]
                return True
    for c in form.controls:
        if c.tag == "input" and c.type in ("email", "text") and c.name and not c.value:
            c.value = user.email
            return True
    return False


def form_fields(form: Form, clicked: Control) -> list[tuple[str, str]]:
    """The name/value pairs a browser submits when ``clicked`` is pressed."""
    pairs: list[tuple[str, str]] = []
    for c in form.controls:
        if not c.name:
            continue
        if c.tag == "input":
            if c.type in ("radio", "checkbox"):
                if c.checked:
                    pairs.append((c.name, c.value))
            elif c.type in ("submit", "image", "button", "reset", "file"):
                if c is clicked:
                    pairs.append((c.name, c.value))
            else:
                pairs.append((c.name, c.value))
        elif c.tag == "select":
            chosen = [o for o in c.options if o.selected] or c.options[:1]
            if chosen:
                pairs.append((c.name, chosen[0].submitted))
        elif c.tag == "textarea" or (c.tag == "button" and c is clicked):
            pairs.append((c.name, c.value))
    return pairs
