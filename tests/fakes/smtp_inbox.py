"""A real SMTP server (aiosmtpd) on a loopback port that keeps what it receives.

Not a fake: the agent's ``smtplib`` client talks real SMTP to it. It can refuse every
recipient with a given answer (``"550 5.1.1 no such user"``, ``"451 4.3.0 try later"``)
and require a login.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP as SMTPServer
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword, Session


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Delivery:
    """One message as the server received it."""

    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage


@dataclass
class SmtpInbox:
    """Start with ``start()`` (or use as a context manager); read ``deliveries``."""

    port: int = field(default_factory=free_port)
    refuse_recipients_with: str | None = None
    login: tuple[str, str] | None = None
    deliveries: list[Delivery] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)
    _controller: Controller | None = None

    async def handle_RCPT(self, server: SMTPServer, session: Session, envelope: Envelope,
                          address: str, rcpt_options: list[str]) -> str:
        """Accept the recipient, or refuse it with the configured answer."""
        if self.refuse_recipients_with:
            return self.refuse_recipients_with
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTPServer, session: Session,
                          envelope: Envelope) -> str:
        """Keep the message."""
        content = envelope.content if isinstance(envelope.content, bytes) else b""
        parsed = message_from_bytes(content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.deliveries.append(Delivery(str(envelope.mail_from), list(envelope.rcpt_tos),
                                        parsed))
        return "250 Message accepted for delivery"

    def _authenticate(self, server: SMTPServer, session: Session, envelope: Envelope,
                      mechanism: str, auth_data: Any) -> AuthResult:
        ok = (isinstance(auth_data, LoginPassword) and self.login is not None
              and (auth_data.login.decode(), auth_data.password.decode()) == self.login)
        if ok:
            self.logins.append(auth_data.login.decode())
        return AuthResult(success=ok)

    def start(self) -> SmtpInbox:
        """Listen on ``port``."""
        options: dict[str, Any] = {}
        if self.login is not None:
            options = {"authenticator": self._authenticate, "auth_required": True,
                       "auth_require_tls": False}
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port, **options)
        self._controller.start()
        return self

    def stop(self) -> None:
        """Stop listening."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def __enter__(self) -> SmtpInbox:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def messages_to(self, address: str) -> list[EmailMessage]:
        """The messages delivered to ``address``, in order."""
        return [d.message for d in self.deliveries if address in d.rcpt_tos]
