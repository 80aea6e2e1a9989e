"""Recording Zoom traffic in vcrpy cassettes with every secret scrubbed (docs/recording.md).

``zoom_vcr()`` returns a :class:`vcr.VCR` whose hooks replace tokens, client credentials,
authorization codes, PKCE verifiers, ``start_url`` tokens, passcodes and webhook secrets with
stable placeholders such as ``<ACCESS_TOKEN>`` before anything reaches a cassette: in request
and response headers, JSON and form bodies, and URLs. The hooks also run on each request
that is played back, so requests are matched in their scrubbed form. Playback therefore
answers with the placeholders: a connection replayed from a cassette holds
``<ACCESS_TOKEN>``, and a meeting's passcode reads ``<PASSCODE>``.

Needs vcrpy: ``pip install "zoomlink[recorder]"``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import vcr
from vcr.record_mode import RecordMode
from vcr.request import Request

from ._scrub import scrub_body, scrub_header, scrub_parameters

__all__ = [
    "DEFAULT_RECORD_MODE",
    "RECORD_MODE_VARIABLE",
    "scrub_request",
    "scrub_response",
    "zoom_vcr",
]

RECORD_MODE_VARIABLE = "ZOOMLINK_RECORD_MODE"
"""The environment variable that picks vcrpy's record mode when `zoom_vcr` is given none."""

DEFAULT_RECORD_MODE = "none"
"""Playback only, so a request the cassette lacks fails rather than reaching the network (what
CI wants); recording is always asked for, as with ``ZOOMLINK_RECORD_MODE=once``."""

# Encodings vcrpy decodes before the response hook runs (decode_compressed_response).
_READABLE_ENCODINGS = {"", "identity"}

_Hook = Callable[[Any], Any]


def scrub_request(request: Request) -> Request:
    """vcrpy's ``before_record_request`` hook: the request with its URL's query, its headers
    and its body scrubbed. vcrpy hands it a copy, so the request sent is not changed."""
    request.uri = scrub_parameters(request.uri)
    for name in list(request.headers):
        request.headers[name] = scrub_header(name, str(request.headers[name]))
    request.body = scrub_body(request.body)
    if "content-length" in request.headers and isinstance(request.body, (bytes, str)):
        request.headers["content-length"] = str(_size(request.body))
    return request


def _size(body: bytes | str) -> int:
    return len(body.encode("utf-8")) if isinstance(body, str) else len(body)


def scrub_response(response: dict[str, Any]) -> dict[str, Any]:
    """vcrpy's ``before_record_response`` hook: the response's headers and body scrubbed, and
    its ``content-length`` made to fit the new body.

    Raises:
        ValueError: When the body is still compressed with an encoding vcrpy cannot decode
            (``zstd``, or ``br`` without the brotli package): its secrets could not be found.
    """
    headers: dict[str, list[str]] = response["headers"]
    encodings = [
        v.strip().lower()
        for k, vs in headers.items()
        if k.lower() == "content-encoding"
        for v in vs
    ]
    unreadable = [e for e in encodings if e not in _READABLE_ENCODINGS]
    if unreadable:
        raise ValueError(
            f"cannot scrub a response body encoded as {', '.join(unreadable)}: refusing to "
            "record it (install the decoder vcrpy uses, or send accept-encoding: gzip)"
        )
    body = scrub_body(response["body"]["string"])
    scrubbed: dict[str, list[str]] = {}
    for name, values in headers.items():
        if name.lower() == "content-length" and isinstance(body, (bytes, str)):
            scrubbed[name] = [str(_size(body))]
        else:
            scrubbed[name] = [scrub_header(name, value) for value in values]
    return {**response, "headers": scrubbed, "body": {**response["body"], "string": body}}


def _hooks(mine: _Hook, theirs: _Hook | Iterable[_Hook] | None) -> tuple[_Hook, ...]:
    """The caller's hooks first, then ours, so nothing they add escapes scrubbing."""
    if theirs is None:
        return (mine,)
    if callable(theirs):
        return (theirs, mine)
    return (*theirs, mine)


def zoom_vcr(
    cassette_dir: str | os.PathLike[str] | None = None,
    *,
    record_mode: str | None = None,
    environ: Mapping[str, str] | None = None,
    **options: Any,
) -> Any:
    """A :class:`vcr.VCR` that scrubs every Zoom secret from the cassettes it writes.

    Args:
        cassette_dir: Where cassettes are kept (vcrpy's ``cassette_library_dir``); cassette
            names given to ``use_cassette`` are relative to it.
        record_mode: vcrpy's record mode (``"none"``, ``"once"``, ``"new_episodes"``,
            ``"all"``). Without it, the ``ZOOMLINK_RECORD_MODE`` environment variable decides,
            and without that, ``"none"``: playback only.
        environ: Where to read ``ZOOMLINK_RECORD_MODE`` (default: ``os.environ``).
        options: Any other option of :class:`vcr.VCR`. ``before_record_request`` and
            ``before_record_response`` hooks given here run before the scrubbing ones. In
            ``"all"`` mode ``drop_unused_requests`` defaults to on, so a cassette recorded
            again holds only the new run's traffic.

    Returns:
        The configured :class:`vcr.VCR`, with ``decode_compressed_response`` on (a gzipped
        body could not be scrubbed) and vcrpy's default matching (method, scheme, host, port,
        path and scrubbed query).

    Raises:
        ValueError: For an unknown record mode.
    """
    environ = os.environ if environ is None else environ
    mode = record_mode or environ.get(RECORD_MODE_VARIABLE) or DEFAULT_RECORD_MODE
    modes = sorted(m.value for m in RecordMode)
    if mode not in modes:
        raise ValueError(f"record mode must be one of {', '.join(modes)}, not {mode!r}")
    before_request = _hooks(scrub_request, options.pop("before_record_request", None))
    before_response = _hooks(scrub_response, options.pop("before_record_response", None))
    if cassette_dir is not None:
        options["cassette_library_dir"] = os.fspath(cassette_dir)
    options.setdefault("decode_compressed_response", True)
    if mode == "all":
        # Re-recording starts the cassette afresh: vcrpy would otherwise keep every recorded
        # interaction the new run did not repeat (a deleted meeting's id, say).
        options.setdefault("drop_unused_requests", True)
    if not options["decode_compressed_response"]:
        raise ValueError("decode_compressed_response must stay on: compressed bodies hide secrets")
    return vcr.VCR(
        record_mode=mode,
        before_record_request=before_request,
        before_record_response=before_response,
        **options,
    )
