"""Sending email over SMTP (``smtplib``): the outbound queue's transport for channel ``email``.

Turn replies, one-time codes, rating requests and teammates' replies all leave here, in
the conversation's email thread (``channels.email_threading``). Failures become retry
decisions: an unreachable or timing-out server, a 4xx answer, a refused login or sender
(server or configuration trouble) are retried later, so nothing is lost while the
settings are fixed; a 5xx refusal of the recipient or the message is permanent and the
row fails with the server's answer.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage

from agent.clock import Clock
from agent.config import Settings
from agent.conversations import ConversationStore
from agent.outbound import OutgoingMessage, TransportError
from channels.email_compose import Envelope, compose_email
from channels.email_threading import outbound_message_id, reply_thread


@dataclass(frozen=True)
class SmtpConfig:
    """Where and as whom mail is sent."""

    host: str
    port: int
    security: str
    username: str | None
    password: str | None
    timeout_seconds: float
    from_address: str
    from_name: str

    @classmethod
    def from_settings(cls, settings: Settings) -> SmtpConfig | None:
        """The configuration, or None when no SMTP host is set (email is then held)."""
        if not settings.smtp_host:
            return None
        return cls(host=settings.smtp_host, port=settings.smtp_port,
                   security=settings.smtp_security, username=settings.smtp_username,
                   password=settings.smtp_password,
                   timeout_seconds=settings.smtp_timeout_seconds,
                   from_address=settings.email_from_address or settings.support_email,
                   from_name=settings.email_from_name or settings.store_name)

    @property
    def domain(self) -> str:
        """The sending domain: the right side of the from address."""
        return self.from_address.rpartition("@")[2] or "localhost"


def smtp_error(error: Exception) -> TransportError:
    """An smtplib/socket error as a TransportError (see the module docstring for the rule)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code, reason = next(iter(error.recipients.values()), (0, b""))
        return _answered("recipient refused", code, reason, permanent_if_5xx=True)
    if isinstance(error, smtplib.SMTPDataError):
        return _answered("message refused", error.smtp_code, error.smtp_error,
                         permanent_if_5xx=True)
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return _answered("login refused (check smtp_username / smtp_password)",
                         error.smtp_code, error.smtp_error, permanent_if_5xx=False)
    if isinstance(error, smtplib.SMTPResponseException):
        return _answered("SMTP server refused", error.smtp_code, error.smtp_error,
                         permanent_if_5xx=False)
    if isinstance(error, smtplib.SMTPNotSupportedError):
        return TransportError(f"SMTP server does not support it: {error} "
                              "(check smtp_security)", retryable=True)
    return TransportError(f"SMTP server unreachable: {error or type(error).__name__}",
                          retryable=True)


def _answered(what: str, code: int, reason: bytes | str, *,
              permanent_if_5xx: bool) -> TransportError:
    text = reason.decode("utf-8", "replace") if isinstance(reason, bytes) else str(reason)
    permanent = permanent_if_5xx and 500 <= code < 600
    return TransportError(f"{what}: {code} {text}".strip(), retryable=not permanent)


class SmtpTransport:
    """Sends the outbox's email rows through one SMTP server."""

    def __init__(self, config: SmtpConfig, store: ConversationStore, clock: Clock,
                 secret: bytes) -> None:
        self._config = config
        self._store = store
        self._clock = clock
        self._secret = secret

    def send(self, message: OutgoingMessage) -> str:
        """Send one message in its thread; returns its Message-ID; raise TransportError."""
        recipient = message.recipient.strip()
        if "@" not in recipient or any(c.isspace() for c in recipient):
            raise TransportError(f"not an email address: {recipient!r}", retryable=False)
        message_id = outbound_message_id(self._secret, message.conversation_id, message.id,
                                         self._config.domain)
        thread = reply_thread(self._store, message.conversation_id)
        envelope = Envelope(
            from_address=self._config.from_address, from_name=self._config.from_name,
            recipient=recipient, message_id=message_id, date=self._clock.now(),
            automatic=not self._store.carries_teammate_reply(message.id))
        email = compose_email(envelope, message.subject, message.body, message.payload, thread)
        self._store.record_email_message(message_id, message.conversation_id, "out",
                                         recipient, str(email["Subject"]), self._clock.now())
        try:
            self._deliver(email, recipient)
        except (smtplib.SMTPException, OSError) as error:
            raise smtp_error(error) from error
        return message_id

    def _deliver(self, email: EmailMessage, recipient: str) -> None:
        config = self._config
        context = ssl.create_default_context()
        client: smtplib.SMTP
        if config.security == "ssl":
            client = smtplib.SMTP_SSL(config.host, config.port,
                                      timeout=config.timeout_seconds, context=context)
        else:
            client = smtplib.SMTP(config.host, config.port, timeout=config.timeout_seconds)
        with client:
            if config.security == "starttls":
                client.starttls(context=context)
            if config.username:
                client.login(config.username, config.password or "")
            client.send_message(email, from_addr=config.from_address, to_addrs=[recipient])
