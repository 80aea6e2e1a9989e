"""A real SMTP server for the e-mail tests: aiosmtpd on 127.0.0.1 and a free port, plain, with
STARTTLS or with implicit TLS (a throwaway self-signed certificate), optionally requiring a
login. It keeps every message it accepts, parsed, and refuses recipients at ``refused.test``."""

from __future__ import annotations

import email
import email.policy
import ipaddress
import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import attrs
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

USERNAME = "mailer"
PASSWORD = "correct-horse-battery-staple"
REFUSED_DOMAIN = "refused.test"


@attrs.frozen
class Received:
    """One message the server accepted."""

    sender: str
    recipients: tuple[str, ...]
    message: EmailMessage


class _Inbox:
    """aiosmtpd's handler: refuses some recipients, keeps every message."""

    def __init__(self) -> None:
        self.received: list[Received] = []

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: Any
    ) -> str:
        if address.endswith("@" + REFUSED_DOMAIN):
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or b""
        parsed = email.message_from_bytes(content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.received.append(Received(str(envelope.mail_from), tuple(envelope.rcpt_tos), parsed))
        return "250 Message accepted"


def _authenticate(
    server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
) -> AuthResult:
    ok = (
        isinstance(data, LoginPassword)
        and data.login == USERNAME.encode()
        and data.password == PASSWORD.encode()
    )
    return AuthResult(success=ok, handled=False)  # not handled: the server answers 535


@attrs.frozen
class Certificate:
    """A self-signed certificate for 127.0.0.1: the server's context and a client context
    that trusts it."""

    server_context: ssl.SSLContext
    client_context: ssl.SSLContext


def self_signed(directory: Path) -> Certificate:
    """A fresh key and certificate for 127.0.0.1, valid for a day."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_pem = cert.public_bytes(serialization.Encoding.PEM)
    cert_file, key_file = directory / "cert.pem", directory / "key.pem"
    cert_file.write_bytes(cert_pem)
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(cert_file, key_file)
    client_context = ssl.create_default_context(cadata=cert_pem.decode("ascii"))
    return Certificate(server_context, client_context)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@attrs.define
class MailServer:
    """A running server: where it listens and what it received."""

    port: int
    inbox: _Inbox

    @property
    def received(self) -> list[Received]:
        """Every message accepted so far, oldest first."""
        return list(self.inbox.received)


@contextmanager
def mail_server(
    security: str = "none",
    certificate: Certificate | None = None,
    login: bool = False,
    port: int | None = None,
) -> Iterator[MailServer]:
    """An SMTP server on 127.0.0.1 (on ``port``, else a free one): ``none``, ``starttls``
    (required) or ``ssl`` (implicit TLS); with ``login`` it demands AUTH as USERNAME/PASSWORD."""
    inbox = _Inbox()
    options: dict[str, Any] = {}
    if security == "starttls":
        assert certificate is not None
        options.update(tls_context=certificate.server_context, require_starttls=True)
    elif security == "ssl":
        assert certificate is not None
        options.update(ssl_context=certificate.server_context)
    if login:
        options.update(authenticator=_authenticate, auth_required=True)
        # A login over plain text is what the tests of a plain server check.
        options.update(auth_require_tls=security == "starttls")
    port = port or free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, **options)
    controller.start()
    try:
        yield MailServer(port, inbox)
    finally:
        controller.stop()
