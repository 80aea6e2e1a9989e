"""What the recorder scrubs, piece by piece: headers, form and JSON bodies, URLs, compressed
bodies, and how zoom_vcr is configured."""

from __future__ import annotations

import asyncio
import gzip
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, parse_qsl, urlencode, urlsplit

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from vcr.record_mode import RecordMode
from vcr.request import Request

from zoomlink.testing.recorder import scrub_request, scrub_response, zoom_vcr

TOKEN_RESPONSE = {
    "access_token": "eyJhbGciOiJIUzUxMiJ9.access",
    "token_type": "bearer",
    "refresh_token": "eyJhbGciOiJIUzUxMiJ9.refresh",
    "expires_in": 3599,
    "scope": "meeting:write:meeting",
}
MEETING = {
    "id": 85746065432,
    "topic": "Consultation",
    "start_url": "https://us05web.zoom.us/s/85746065432?zak=eyJ0eXAiOiJKV1Qi.zak&x=host-secret",
    "join_url": "https://us05web.zoom.us/j/85746065432?pwd=Ab12Cd34Ef56",
    "registration_url": "https://us05web.zoom.us/w/85746065432?tk=registrant-tk-value",
    "password": "h292vB",
    "encrypted_password": "Ab12Cd34Ef56",
    "h323_password": "3134237568",
    "pstn_password": "3134237568",
    "dynamic_host_key": "123456",
    "settings": {"waiting_room": True, "alternative_hosts": ""},
}


def _request(body: bytes | None, headers: dict[str, str], uri: str = "https://zoom.us/x") -> Any:
    return scrub_request(Request("POST", uri, body, headers))


def _response(body: bytes, headers: dict[str, list[str]]) -> dict[str, Any]:
    return scrub_response(
        {"status": {"code": 200, "message": "OK"}, "headers": headers, "body": {"string": body}}
    )


def test_authorization_headers_keep_their_scheme_and_lose_their_credentials() -> None:
    """Bearer tokens, Basic client credentials and any other Authorization value are replaced,
    and so are webhook signatures and cookies."""
    headers = {
        "Authorization": "Bearer eyJhbGciOiJIUzUxMiJ9.access",
        "x-zm-signature": "v0=6f1c0b7a",
        "Cookie": "_zm_session=abc",
    }
    scrubbed = _request(None, headers).headers
    assert scrubbed["authorization"] == "Bearer <ACCESS_TOKEN>"
    assert scrubbed["x-zm-signature"] == "v0=<SIGNATURE>"
    assert scrubbed["cookie"] == "<COOKIE>"
    basic = _request(None, {"authorization": "Basic ZmFrZTpzZWNyZXQ="}).headers
    assert basic["authorization"] == "Basic <CLIENT_CREDENTIALS>"
    other = _request(None, {"authorization": "legacy-verification-token"}).headers
    assert other["authorization"] == "<AUTHORIZATION>"


def test_form_bodies_keep_their_fields_and_lose_their_secrets() -> None:
    """The token request's code, verifier, refresh token, revoked token and a posted client
    secret are replaced; the other fields stay as sent, and the body still parses."""
    body = (
        b"grant_type=authorization_code&code=obBEe8ewaL_KdyNjniT4KPd8ffDWt9fGB"
        b"&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcb&code_verifier=v3r1f13r-abc"
        b"&client_secret=s3cr3t&refresh_token=r3fr3sh&token=t0k3n"
    )
    form = parse_qs(_request(body, {}).body.decode())
    assert form == {
        "grant_type": ["authorization_code"],
        "code": ["<AUTHORIZATION_CODE>"],
        "redirect_uri": ["https://app.example.com/cb"],
        "code_verifier": ["<CODE_VERIFIER>"],
        "client_secret": ["<CLIENT_SECRET>"],
        "refresh_token": ["<REFRESH_TOKEN>"],
        "token": ["<TOKEN>"],
    }


def test_urls_lose_secret_query_values() -> None:
    """A callback URL's code and any token in a query string are replaced; other parameters
    (the state, the grant type) stay."""
    uri = "https://app.example.com/zoom/callback?code=obBEe8ewaL&state=s1"
    assert _request(None, {}, uri).uri == (
        "https://app.example.com/zoom/callback?code=%3CAUTHORIZATION_CODE%3E&state=s1"
    )
    token_uri = "https://zoom.us/oauth/token?grant_type=refresh_token&refresh_token=r3fr3sh"
    assert parse_qs(urlsplit(_request(None, {}, token_uri).uri).query) == {
        "grant_type": ["refresh_token"],
        "refresh_token": ["<REFRESH_TOKEN>"],
    }


def test_fragments_lose_tokens_and_empty_values_stay_empty() -> None:
    """A token in a URL fragment (as an implicit grant would return it) is replaced; an empty
    parameter, which hides nothing, is left as it is."""
    uri = "https://app.example.com/cb#access_token=eyJhbGci&code="
    assert (
        _request(None, {}, uri).uri
        == "https://app.example.com/cb#access_token=%3CACCESS_TOKEN%3E&code="
    )


def test_token_responses_keep_valid_json_with_placeholders() -> None:
    """A token response stays JSON, with both tokens replaced and the rest as Zoom sent it,
    and its content-length fits the new body."""
    raw = json.dumps(TOKEN_RESPONSE).encode()
    response = _response(raw, {"Content-Length": [str(len(raw))]})
    body = response["body"]["string"]
    assert json.loads(body) == {
        **TOKEN_RESPONSE,
        "access_token": "<ACCESS_TOKEN>",
        "refresh_token": "<REFRESH_TOKEN>",
    }
    assert response["headers"]["Content-Length"] == [str(len(body))]


def test_meetings_lose_passcodes_host_keys_and_start_url_tokens() -> None:
    """Every passcode field, the host key, the start_url's query values, the join URL's pwd
    and a registrant's tk are replaced; ids, topics and settings stay."""
    raw = json.dumps({"meetings": [MEETING]}).encode()
    [meeting] = json.loads(_response(raw, {})["body"]["string"])["meetings"]
    assert meeting == {
        **MEETING,
        "start_url": "https://us05web.zoom.us/s/85746065432?zak=%3CZAK%3E&x=%3CSTART_URL_TOKEN%3E",
        "join_url": "https://us05web.zoom.us/j/85746065432?pwd=%3CJOIN_PASSCODE%3E",
        "registration_url": "https://us05web.zoom.us/w/85746065432?tk=%3CREGISTRANT_TOKEN%3E",
        "password": "<PASSCODE>",
        "encrypted_password": "<ENCRYPTED_PASSCODE>",
        "h323_password": "<H323_PASSCODE>",
        "pstn_password": "<PSTN_PASSCODE>",
        "dynamic_host_key": "<HOST_KEY>",
    }


def test_webhook_validation_loses_both_tokens() -> None:
    """endpoint.url_validation's plainToken and the app's encryptedToken are replaced."""
    request = _request(b'{"payload":{"plainToken":"qgg8vlvZRS6UYooatFL8Aw"}}', {})
    assert json.loads(request.body) == {"payload": {"plainToken": "<PLAIN_TOKEN>"}}
    answer = _response(b'{"plainToken":"qgg8vlvZRS6UYooatFL8Aw","encryptedToken":"23a89b"}', {})
    assert json.loads(answer["body"]["string"]) == {
        "plainToken": "<PLAIN_TOKEN>",
        "encryptedToken": "<ENCRYPTED_TOKEN>",
    }


def test_bodies_without_secrets_are_kept_byte_for_byte() -> None:
    """Zoom's error bodies (whose numeric "code" is no authorization code) and other bodies
    with nothing secret are recorded exactly as they came."""
    error = b'{"code": 124, "message": "Invalid access token."}'
    assert _response(error, {})["body"]["string"] == error
    binary = bytes(range(256))
    assert _response(binary, {})["body"]["string"] == binary


def test_scrubbing_twice_changes_nothing() -> None:
    """Playback scrubs requests before matching them to recorded (scrubbed) ones, so a
    scrubbed request must come out of the scrubber unchanged."""
    once = _request(
        b"grant_type=authorization_code&code=abc&code_verifier=def",
        {"authorization": "Basic eDp5"},
        "https://zoom.us/oauth/token?code=abc",
    )
    twice = scrub_request(once)
    assert (twice.uri, twice.body, dict(twice.headers)) == (
        once.uri,
        once.body,
        dict(once.headers),
    )


def test_an_unreadable_compressed_body_is_refused() -> None:
    """A body still compressed with an encoding vcrpy cannot decode is not recorded, since
    its secrets cannot be found."""
    with pytest.raises(ValueError, match="zstd"):
        _response(b"\x28\xb5\x2f\xfd", {"content-encoding": ["zstd"]})


def _zoom_like(request: httpx.Request) -> httpx.Response:
    """A token endpoint that answers gzipped JSON, as Zoom does."""
    body = gzip.compress(json.dumps(TOKEN_RESPONSE).encode())
    return httpx.Response(200, content=body, headers={"content-encoding": "gzip"})


def test_gzipped_responses_are_recorded_decoded_and_scrubbed(tmp_path: Path) -> None:
    """A gzipped token response is stored decoded, without its tokens, and plays back as
    JSON with the placeholders."""
    transport = httpx.MockTransport(_zoom_like)
    with (
        zoom_vcr(tmp_path, record_mode="once").use_cassette("gzip.yaml"),
        httpx.Client(transport=transport) as http,
    ):
        assert http.post("https://zoom.us/oauth/token").json() == TOKEN_RESPONSE
    text = (tmp_path / "gzip.yaml").read_text(encoding="utf-8")
    assert "eyJhbGciOiJIUzUxMiJ9" not in text
    assert "<ACCESS_TOKEN>" in text
    with (
        zoom_vcr(tmp_path, record_mode="none").use_cassette("gzip.yaml"),
        httpx.Client(transport=transport) as http,
    ):
        replayed = http.post("https://zoom.us/oauth/token").json()
    assert replayed["access_token"] == "<ACCESS_TOKEN>"


def test_async_clients_record_and_replay(tmp_path: Path) -> None:
    """httpx.AsyncClient traffic is scrubbed and played back the same way."""
    transport = httpx.MockTransport(_zoom_like)

    async def post(mode: str) -> Any:
        with zoom_vcr(tmp_path, record_mode=mode).use_cassette("async.yaml"):
            async with httpx.AsyncClient(transport=transport) as http:
                return (await http.post("https://zoom.us/oauth/token")).json()

    assert asyncio.run(post("once")) == TOKEN_RESPONSE
    assert "eyJhbGciOiJIUzUxMiJ9" not in (tmp_path / "async.yaml").read_text(encoding="utf-8")
    assert asyncio.run(post("none"))["refresh_token"] == "<REFRESH_TOKEN>"


def test_callers_hooks_run_before_the_scrubbing(tmp_path: Path) -> None:
    """A before_record_request hook of the caller's cannot put a secret back: scrubbing runs
    after it."""

    def mark(request: Any) -> Any:
        request.headers["authorization"] = "Bearer added-by-a-hook"
        return request

    transport = httpx.MockTransport(lambda request: httpx.Response(204))
    recorder = zoom_vcr(tmp_path, record_mode="once", before_record_request=mark)
    with recorder.use_cassette("hooks.yaml"), httpx.Client(transport=transport) as http:
        http.get("https://api.zoom.us/v2/users/me")
    text = (tmp_path / "hooks.yaml").read_text(encoding="utf-8")
    assert "added-by-a-hook" not in text
    assert "Bearer <ACCESS_TOKEN>" in text


def test_recording_again_in_all_mode_starts_the_cassette_afresh(tmp_path: Path) -> None:
    """A cassette recorded again with ``all`` holds only the new run's requests, not those of
    the earlier run that were not repeated (meetings with other ids, say)."""
    transport = httpx.MockTransport(lambda request: httpx.Response(204))
    for mode, meeting_id in (("once", 111), ("all", 222)):
        with (
            zoom_vcr(tmp_path, record_mode=mode).use_cassette("again.yaml"),
            httpx.Client(transport=transport) as http,
        ):
            http.delete(f"https://api.zoom.us/v2/meetings/{meeting_id}")
    text = (tmp_path / "again.yaml").read_text(encoding="utf-8")
    assert re.findall(r"uri: (\S+)", text) == ["https://api.zoom.us/v2/meetings/222"]


def test_record_mode_comes_from_the_environment_and_defaults_to_playback(tmp_path: Path) -> None:
    """ZOOMLINK_RECORD_MODE picks the record mode when none is given; without it, playback
    only; an unknown mode or turning off decoding is refused."""
    assert RecordMode(zoom_vcr(tmp_path, environ={}).record_mode) == RecordMode.NONE
    chosen = zoom_vcr(tmp_path, environ={"ZOOMLINK_RECORD_MODE": "new_episodes"})
    assert RecordMode(chosen.record_mode) == RecordMode.NEW_EPISODES
    chosen = zoom_vcr(tmp_path, record_mode="all", environ={"ZOOMLINK_RECORD_MODE": "once"})
    assert RecordMode(chosen.record_mode) == RecordMode.ALL
    with pytest.raises(ValueError, match="record mode"):
        zoom_vcr(tmp_path, record_mode="sometimes")
    with pytest.raises(ValueError, match="decode_compressed_response"):
        zoom_vcr(tmp_path, decode_compressed_response=False)


# Property tests: secrets planted at random places in random documents, against an oracle that
# knows only where they were planted.
SECRET_FIELDS = ["access_token", "refresh_token", "password", "encrypted_password", "plainToken"]
SECRET_PARAMETERS = ["code", "code_verifier", "refresh_token", "token", "client_secret"]
PLAIN_FIELDS = ["id", "topic", "settings", "items", "type", "next_page_token"]
PLAIN_PARAMETERS = ["grant_type", "redirect_uri", "state", "account_id"]
PROPERTY = settings(max_examples=150, deadline=None)
secrets = st.text("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz0123456789-_", min_size=8).map(
    lambda s: f"Zs{s}"  # no value of the plain parts starts so: each secret is findable
)
plain_text = st.text("abc xyz 0123456789.,", max_size=12)
plain_json = st.recursive(
    st.none() | st.booleans() | st.integers() | plain_text,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(PLAIN_FIELDS), inner, max_size=3)
    ),
    max_leaves=12,
)


@st.composite
def planted_documents(draw: st.DrawFn) -> tuple[Any, list[str]]:
    """A JSON document with secrets under secret fields, and in a join URL, at random depths."""
    planted: list[str] = []

    def plant(value: Any) -> Any:
        if isinstance(value, dict) and draw(st.booleans()):
            secret = draw(secrets)
            planted.append(secret)
            field = draw(st.sampled_from([*SECRET_FIELDS, "join_url"]))
            url = f"https://us05web.zoom.us/j/1?pwd={secret}"
            return {**value, field: url if field == "join_url" else secret}
        if isinstance(value, dict):
            return {k: plant(v) for k, v in value.items()}
        if isinstance(value, list):
            return [plant(item) for item in value]
        return value

    document = plant({"meetings": [draw(plain_json) for _ in range(3)], "top": draw(plain_json)})
    return document, planted


def _masked(value: Any, key: str = "") -> Any:
    """The document with whatever sits under a secret field or in a join URL blanked out."""
    if isinstance(value, dict):
        return {k: _masked(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_masked(item, key) for item in value]
    return None if key in [*SECRET_FIELDS, "join_url"] else value


@PROPERTY
@given(planted_documents())
def test_json_bodies_keep_everything_but_their_secrets(planted: tuple[Any, list[str]]) -> None:
    """Whatever the document, the scrubbed body is JSON with the same fields and values except
    the secrets, none of which is left; scrubbing it again changes nothing."""
    document, secrets_in_it = planted
    raw = json.dumps(document).encode()
    scrubbed = _response(raw, {})["body"]["string"]
    assert [s for s in secrets_in_it if s.encode() in scrubbed] == []
    assert _masked(json.loads(scrubbed)) == _masked(document)
    assert _response(scrubbed, {})["body"]["string"] == scrubbed


@PROPERTY
@given(
    st.lists(
        st.tuples(st.sampled_from(SECRET_PARAMETERS), secrets)
        | st.tuples(st.sampled_from(PLAIN_PARAMETERS), plain_text),
        max_size=8,
    )
)
def test_form_bodies_keep_everything_but_their_secrets(fields: list[tuple[str, str]]) -> None:
    """Whatever the form, the scrubbed body parses to the same fields in the same order, the
    plain values unchanged and no secret value left."""
    body = urlencode(fields).encode()
    scrubbed = _request(body, {}).body
    assert [v for k, v in fields if k in SECRET_PARAMETERS and v.encode() in scrubbed] == []
    pairs = parse_qsl(scrubbed.decode(), keep_blank_values=True)
    assert [k for k, _ in pairs] == [k for k, _ in fields]
    assert [v for k, v in pairs if k in PLAIN_PARAMETERS] == [
        v for k, v in fields if k in PLAIN_PARAMETERS
    ]
