"""``docs``: what the hidden setup of a documentation page works with.

Every page runs in a namespace of its own, and ``docs`` in that namespace is the page's
:class:`DocPage`: a folder of its own (the working directory of its Python blocks), a seeded
fake Zoom that answers every request made to ``zoom.us`` while the page runs, environment
variables that are put back afterwards, and the few helpers the hidden setup needs to hand the
visible blocks what they take for granted (a connected host, a signed-in request...).
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import os
import shutil
import sys
import tempfile
import types
from collections.abc import Awaitable, Callable, Mapping
from contextlib import AbstractContextManager, ExitStack
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

import httpx
import pytest

from zoomlink import AsyncZoomLink, Connection, MeetingFields, ZoomLink
from zoomlink.testing import FakeClock, FakeZoom

ROOT = Path(__file__).resolve().parents[2]
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
BUILTIN_FIXTURES = frozenset({"request", "tmp_path", "monkeypatch", "caplog", "capsys"})
T = TypeVar("T")
urlpatterns: list[object] = []  # the URL conf of django_site: the pages' views are called directly


class NetworkRefused(httpx.ConnectError):
    """A documentation block tried to reach a host that is neither Zoom nor this machine."""


class DocPage:
    """One page of the documentation while its blocks run (``docs`` in its namespace)."""

    def __init__(self, path: Path) -> None:
        self.root = ROOT
        self.path = path
        #: What the last Python block printed.
        self.out = ""
        #: Where the page's console commands run (the checkout, unless the page says otherwise).
        self.console_cwd = ROOT
        self._stack = ExitStack()
        self._tmp: Path | None = None
        self._fake: FakeZoom | None = None

    # The page's own world.

    @property
    def tmp(self) -> Path:
        """The page's own folder, the working directory of its Python blocks."""
        assert self._tmp is not None, "the page has not started"
        return self._tmp

    @property
    def fake(self) -> FakeZoom:
        """The fake Zoom behind every request to ``zoom.us``: the demo seed, and a clock that
        ticks as zoomlink's does (an uninstall must come after the connect it undoes)."""
        if self._fake is None:
            self._fake = FakeZoom(clock=FakeClock(frozen=False))
            self._fake.seed(FakeZoom.default_seed())
        return self._fake

    def start(self) -> None:
        """Enter the page's folder, and route Zoom to the fake and nothing to the network."""
        self._tmp = Path(tempfile.mkdtemp(prefix=f"docs-{self.path.stem}-"))
        self._stack.callback(shutil.rmtree, self._tmp, ignore_errors=True)
        environ = dict(os.environ)
        self._stack.callback(_restore_environ, environ)
        cwd = Path.cwd()
        self._stack.callback(os.chdir, cwd)
        os.chdir(self._tmp)
        sys.path.insert(0, str(self._tmp))
        self._stack.callback(_forget_modules_under, self._tmp)
        patch = pytest.MonkeyPatch()
        self._stack.callback(patch.undo)
        patch.setattr(httpx.HTTPTransport, "handle_request", self._guarded_send())
        patch.setattr(httpx.AsyncHTTPTransport, "handle_async_request", self._guarded_send_async())

    def finish(self, namespace: dict[str, Any]) -> None:
        """Close what the page's blocks left open, then undo everything :meth:`start` did."""
        with self._stack:
            for value in list(namespace.values()):
                _close(value)

    # Helpers for the hidden setup.

    def setenv(self, **values: str) -> None:
        """Set environment variables until the page ends."""
        os.environ.update(values)

    def enter(self, manager: AbstractContextManager[T]) -> T:
        """Enter a context manager, left when the page ends."""
        return self._stack.enter_context(manager)

    def module(self, name: str, **attributes: object) -> types.ModuleType:
        """Stand in for the reader's own module ``name`` until the page ends."""
        module = types.ModuleType(name)
        module.__dict__.update(attributes)
        patch = pytest.MonkeyPatch()
        self._stack.callback(patch.undo)
        patch.setitem(sys.modules, name, module)
        parent, _, child = name.rpartition(".")
        if parent:
            if parent not in sys.modules:
                self.module(parent)
            patch.setattr(sys.modules[parent], child, module, raising=False)
        return module

    def connect(self, zoom: ZoomLink, user_id: str, zoom_user: str, **where: str) -> Connection:
        """Connect ``user_id``'s Zoom account as they would: consent page, then callback."""
        url = zoom.personal_connect_url(user_id, **where)
        return zoom.complete_connect(self.fake.approve(url, zoom_user), user_id=user_id)

    def zoom_meeting(
        self, zoom: ZoomLink, user_id: str, start: datetime, duration: timedelta
    ) -> int:
        """A meeting ``user_id`` makes in Zoom itself, outside the booking app; its ID."""
        [connection] = zoom.connections(user_id=user_id)
        fields = MeetingFields(
            topic="Made in Zoom", start=start, duration_minutes=duration // timedelta(minutes=1)
        )
        return zoom.api.create_meeting(zoom.access_token(connection.id), fields).id

    def django_site(self, *, hosts: list[str], templates: dict[str, str] | None = None) -> None:
        """Django serving ``hosts`` (and these templates) until the page ends."""
        from django.test.utils import override_settings

        _configure_django()
        engine = {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "OPTIONS": {"loaders": [("django.template.loaders.locmem.Loader", templates or {})]},
        }
        self.enter(
            override_settings(
                ALLOWED_HOSTS=[*hosts, "testserver"], TEMPLATES=[engine], ROOT_URLCONF=__name__
            )
        )

    def request(
        self,
        url: str,
        *,
        user_id: str | None = None,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Any:
        """A Django request for ``url`` (a POST of ``body`` if given), by ``user_id``."""
        from django.test import RequestFactory

        _configure_django()
        parts = urlsplit(url)
        factory = RequestFactory()
        secure = parts.scheme == "https"
        sent = {"host": parts.netloc} if parts.netloc else {}
        sent.update(headers or {})
        if body is None:
            request = factory.get(url, secure=secure, headers=sent)
        else:
            request = factory.post(url, body, "application/json", secure=secure, headers=sent)
        request.user = types.SimpleNamespace(id=user_id, pk=user_id)
        return request

    def missing_fixtures(self, test_class: type) -> set[str]:
        """The fixtures the tests of a contract subclass ask for that it does not define."""
        wanted: set[str] = set()
        for name, test in inspect.getmembers(test_class, inspect.isfunction):
            if name.startswith("test"):
                marks = [*getattr(test_class, "pytestmark", []), *getattr(test, "pytestmark", [])]
                given = {
                    argument.strip()
                    for mark in marks
                    if mark.name == "parametrize"
                    for argument in (
                        mark.args[0].split(",") if isinstance(mark.args[0], str) else mark.args[0]
                    )
                }
                wanted |= set(inspect.signature(test).parameters) - {"self"} - given
        defined = {name for name in dir(test_class) if _is_fixture(getattr(test_class, name))}
        return wanted - defined - BUILTIN_FIXTURES

    # The network guard: Zoom is the fake, this machine is itself, anything else is refused.

    def _guarded_send(self) -> Callable[[httpx.HTTPTransport, httpx.Request], httpx.Response]:
        def send(transport: httpx.HTTPTransport, request: httpx.Request) -> httpx.Response:
            if _is_zoom(request.url.host):
                return httpx.MockTransport(self.fake).handle_request(request)
            if request.url.host in LOOPBACK:
                return _REAL_SEND(transport, request)
            raise NetworkRefused(f"the docs' blocks reach no network: {request.url}")

        return send

    def _guarded_send_async(
        self,
    ) -> Callable[[httpx.AsyncHTTPTransport, httpx.Request], Awaitable[httpx.Response]]:
        async def send(
            transport: httpx.AsyncHTTPTransport, request: httpx.Request
        ) -> httpx.Response:
            if _is_zoom(request.url.host):
                return await httpx.MockTransport(self.fake).handle_async_request(request)
            if request.url.host in LOOPBACK:
                return await _REAL_SEND_ASYNC(transport, request)
            raise NetworkRefused(f"the docs' blocks reach no network: {request.url}")

        return send


_REAL_SEND: Callable[[httpx.HTTPTransport, httpx.Request], httpx.Response] = (
    httpx.HTTPTransport.handle_request
)
_REAL_SEND_ASYNC = httpx.AsyncHTTPTransport.handle_async_request


def _configure_django() -> None:
    """Django with the example site's settings, unless a test configured it first."""
    import django
    from django.conf import settings

    from examples.django_app import settings as site

    if not settings.configured:
        settings.configure(**{name: getattr(site, name) for name in dir(site) if name.isupper()})
        django.setup()


def _is_fixture(value: object) -> bool:
    # pytest 8.4 wraps fixtures in FixtureFunctionDefinition; earlier ones marked the function.
    return type(value).__name__ == "FixtureFunctionDefinition" or hasattr(
        value, "_pytestfixturefunction"
    )


def _is_zoom(host: str) -> bool:
    return host == "zoom.us" or host.endswith(".zoom.us")


def _restore_environ(saved: dict[str, str]) -> None:
    os.environ.clear()
    os.environ.update(saved)


def _forget_modules_under(folder: Path) -> None:
    """Take the page's folder off ``sys.path``, and forget the modules imported from it."""
    with contextlib.suppress(ValueError):
        sys.path.remove(str(folder))
    for name, module in list(sys.modules.items()):
        if str(getattr(module, "__file__", None) or "").startswith(str(folder)):
            del sys.modules[name]


def _close(value: object) -> None:
    """Close a client, store or backend a block left open (a second close does nothing)."""
    if isinstance(value, (AsyncZoomLink, httpx.AsyncClient)):
        asyncio.run(value.aclose())
        return
    ours = type(value).__module__.partition(".")[0] in ("zoomlink", "httpx", "examples")
    close = getattr(value, "close", None)
    closable = callable(close) and not asyncio.iscoroutinefunction(close)
    if ours and closable and not isinstance(value, type):
        close()  # type: ignore[misc]
