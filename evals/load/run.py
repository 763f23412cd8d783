"""``customer-agent load``: drive a running server (or one started here), then audit it.

Without ``url`` a server is started on a loopback port with a fresh data directory, its
own Twilio auth token and inbound email secret, and no SMTP or Twilio REST settings, so
every reply is held in the outbox where the audit finds it. With ``url`` the server is
someone else's: its public base URL, Twilio token and email secret come from the same
settings the server reads, and ``database_url`` names the database it writes.
"""

from __future__ import annotations

import secrets
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from agent.db import make_engine
from evals.load.audit import audit_messages
from evals.load.driver import LoadDriver
from evals.load.report import load_report
from evals.load.senders import Senders, ServerAccess
from evals.load.server import LoopbackServer
from evals.load.watcher import ReplyWatcher, last_message_id, wait_until_settled

SETTLE_SECONDS = 180.0
"""How long to wait, after the last request, for turns still running before the audit."""


@dataclass(frozen=True)
class LoadOptions:
    """What to run: how many shoppers at once, for how long, on which channels, where."""

    conversations: int = 50
    seconds: float = 120.0
    channels: tuple[str, ...] = ("webchat", "sms", "email")
    url: str | None = None
    database_url: str | None = None
    public_base_url: str | None = None
    twilio_auth_token: str | None = None
    email_inbound_secret: str | None = None


@dataclass(frozen=True)
class Target:
    """The server under load: how to reach it, where it writes, and its peak memory."""

    access: ServerAccess
    database_url: str
    server: LoopbackServer | None = None


@contextmanager
def load_target(options: LoadOptions) -> Iterator[Target]:
    """The server given by ``options.url``, or a fresh one on loopback for the run."""
    if options.url:
        if not options.database_url:
            raise ValueError("auditing a server at --url needs its database "
                             "(--data-dir or --database-url)")
        yield Target(ServerAccess(options.url, options.public_base_url or options.url,
                                  options.twilio_auth_token, options.email_inbound_secret),
                     options.database_url)
        return
    with tempfile.TemporaryDirectory(prefix="customer-agent-load-") as directory:
        token, secret = secrets.token_hex(16), secrets.token_hex(16)
        server = LoopbackServer(Path(directory) / "data", {
            "TWILIO_AUTH_TOKEN": token, "EMAIL_INBOUND_SECRET": secret})
        with server:
            yield Target(ServerAccess(server.url, server.url, token, secret),
                         server.database_url, server)


def check_secrets(access: ServerAccess, channels: tuple[str, ...]) -> None:
    """Refuse (ValueError) channels whose webhook secret is not known."""
    if "sms" in channels and not access.twilio_auth_token:
        raise ValueError("SMS needs the server's Twilio auth token "
                         "(CUSTOMER_AGENT_TWILIO_AUTH_TOKEN), or leave sms out of --channels")
    if "email" in channels and not access.email_inbound_secret:
        raise ValueError("email needs the server's inbound secret "
                         "(CUSTOMER_AGENT_EMAIL_INBOUND_SECRET), or leave email out of "
                         "--channels")


def run_load(options: LoadOptions) -> dict[str, Any]:
    """Run the load, wait for the turns in flight, audit, and return the report."""
    with load_target(options) as target:
        check_secrets(target.access, options.channels)
        engine = make_engine(target.database_url)
        after_id = last_message_id(engine)
        watcher, senders = ReplyWatcher(engine), Senders(target.access)
        try:
            started = time.monotonic()
            samples = LoadDriver(senders, watcher, options.channels).run(
                options.conversations, options.seconds)
            elapsed = time.monotonic() - started
        finally:
            watcher.close()
            senders.close()
        still_running = wait_until_settled(engine, after_id, SETTLE_SECONDS)
        audit = audit_messages(engine, after_id)
        engine.dispose()
        settings = {k: v for k, v in asdict(options).items()
                    if k in ("conversations", "seconds", "channels", "url")}
        report = load_report(samples, elapsed, audit, settings)
        report["turns_still_running_at_audit"] = still_running
        if target.server is not None:
            report["server_peak_rss_mb"] = target.server.peak_rss_mb()
        return report
