"""The baselines of ``bookings.py``: the very requests zoomlink sent, sent again without it.

zoomlink's HTTP client records every Zoom API request it sends (an httpx request hook: method,
URL, body and headers, exactly as they left). A baseline then sends the same requests, one
after another, through raw httpx or through zoomus (when it is installed), so the difference
is zoomlink's own work. Each baseline works on meetings of its own: the id in a ``PATCH`` or
``DELETE`` URL is mapped from zoomlink's meeting to the baseline's copy of it, made when the
baseline replayed the create. Not a benchmark itself (the leading underscore).
"""

from __future__ import annotations

import importlib
import json
import re
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

import attrs
import httpx

MEETING_PATH = re.compile(r"/v2/meetings/(\d+)")
KEPT_HEADERS = ("authorization", "content-type")
ZOOM_TIME = "%Y-%m-%dT%H:%M:%SZ"


@attrs.frozen
class Sent:
    """One Zoom API request as zoomlink sent it."""

    method: str
    url: str
    content: bytes
    headers: tuple[tuple[str, str], ...]


def record_into(log: list[Sent]) -> Callable[[httpx.Request], None]:
    """An httpx request hook that appends each Zoom API request to ``log``."""

    def record(request: httpx.Request) -> None:
        if request.url.path.startswith("/v2/"):
            headers = tuple((k, v) for k, v in request.headers.items() if k in KEPT_HEADERS)
            log.append(Sent(request.method, str(request.url), request.content, headers))

    return record


def async_record_into(log: list[Sent]) -> Callable[[httpx.Request], Awaitable[None]]:
    """The same hook for an ``httpx.AsyncClient``."""
    record = record_into(log)

    async def hook(request: httpx.Request) -> None:
        record(request)

    return hook


@attrs.define
class Replay:
    """Maps zoomlink's meetings to the baseline's copies while requests are sent again.

    ``created`` lists zoomlink's meeting ids in the order of its creates; the baseline's k-th
    create is the copy of zoomlink's k-th.
    """

    created: list[int] = attrs.field(factory=list)
    copies: dict[str, str] = attrs.field(factory=dict)
    _creates_seen: int = 0

    def url(self, sent: Sent) -> str:
        """``sent``'s URL, aimed at the baseline's copy of the meeting."""
        return MEETING_PATH.sub(
            lambda m: f"/v2/meetings/{self.copies.get(m.group(1), m.group(1))}", sent.url
        )

    def learn(self, sent: Sent, answer: Any) -> None:
        """After a create: the baseline's new meeting is the copy of zoomlink's."""
        if sent.method == "POST" and sent.url.endswith("/meetings"):
            original = self.created[self._creates_seen]
            self._creates_seen += 1
            self.copies[str(original)] = str(answer["id"])


def _answer(response: httpx.Response) -> Any:
    response.raise_for_status()
    return response.json() if response.content else None


def replay_sync(http: httpx.Client, log: list[Sent], replay: Replay) -> None:
    """Send ``log`` again through ``http``, one request after another."""
    for sent in log:
        response = http.request(
            sent.method, replay.url(sent), content=sent.content, headers=dict(sent.headers)
        )
        replay.learn(sent, _answer(response))


async def replay_async(http: httpx.AsyncClient, log: list[Sent], replay: Replay) -> None:
    """Send ``log`` again through ``http``, one awaited request after another."""
    for sent in log:
        response = await http.request(
            sent.method, replay.url(sent), content=sent.content, headers=dict(sent.headers)
        )
        replay.learn(sent, _answer(response))


# -- zoomus --------------------------------------------------------------------------------------


def zoomus_meetings() -> Any | None:
    """zoomus's meeting component class, or None when zoomus is not installed."""
    try:
        module = importlib.import_module("zoomus.components.meeting")
    except ImportError:
        return None
    return module.MeetingComponentV2


class ZoomusReplay:
    """Sends the same requests through zoomus's meeting component (one per token, as zoomus
    holds one token per client): ``create``, ``update``, ``delete`` and ``list``."""

    def __init__(self, component: Any, base_url: str) -> None:
        self._component = component
        self._base = f"{base_url}/v2"
        self._clients: dict[str, Any] = {}

    def _client(self, sent: Sent) -> Any:
        token = dict(sent.headers)["authorization"].removeprefix("Bearer ")
        if token not in self._clients:
            config = {"token": token, "version": 2, "data_type": "json"}
            self._clients[token] = self._component(base_uri=self._base, config=config)
        return self._clients[token]

    def replay(self, log: list[Sent], replay: Replay) -> None:
        for sent in log:
            client = self._client(sent)
            url = httpx.URL(replay.url(sent))
            body = json.loads(sent.content) if sent.content else {}
            if "start_time" in body:  # zoomus takes a datetime and writes Zoom's UTC form
                body["start_time"] = datetime.strptime(body["start_time"], ZOOM_TIME)
            match = MEETING_PATH.search(url.path)
            if sent.method == "POST":
                response = client.create(user_id="me", **body)
            elif sent.method == "PATCH" and match:
                response = client.update(id=match.group(1), **body)
            elif sent.method == "DELETE" and match:
                response = client.delete(id=match.group(1), **dict(url.params))
            elif sent.method == "GET" and url.path.endswith("/meetings"):
                response = client.list(user_id="me", **dict(url.params))
            else:
                raise SystemExit(f"zoomus baseline: no call for {sent.method} {url.path}")
            response.raise_for_status()
            replay.learn(sent, response.json() if response.content else None)
