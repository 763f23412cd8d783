"""Settings: every knob of the agent, with embedded defaults that run on a laptop.

Values come from the environment (prefix ``CUSTOMER_AGENT_``), e.g.
``CUSTOMER_AGENT_DATA_DIR=/var/lib/agent``. Nothing here reaches the network.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, BaseModel, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from skills.policy import StorePolicy

MIN_TURN_ABANDONED_SECONDS = 30.0
"""Below this a live turn waiting on a slow model would be taken up again while it runs."""


class DiscountCode(BaseModel):
    """A discount code the merchant configured; only shareable, active ones are ever shared."""

    code: str
    description: str
    shareable: bool = False
    active: bool = True
    expires_at: datetime | None = None
    percent_off: float | None = Field(default=None, gt=0, le=100)


WAITING_TURNS_AT_ONCE = 32
"""Turns one process takes at once when turns wait on the network (a model endpoint, a
shop, a Chroma server, a database server)."""


class Settings(BaseSettings):
    """Configuration of one agent deployment."""

    model_config = SettingsConfigDict(env_prefix="CUSTOMER_AGENT_", extra="ignore")

    data_dir: Path = Path("data")
    chroma_dir: Path | None = None
    chroma_url: str | None = Field(
        default=None, validation_alias=AliasChoices("CUSTOMER_AGENT_CHROMA_URL", "CHROMA_URL",
                                                    "chroma_url"))
    database_url: str | None = Field(
        default=None, validation_alias=AliasChoices("CUSTOMER_AGENT_DATABASE_URL",
                                                    "DATABASE_URL", "database_url"))
    public_base_url: str = "http://127.0.0.1:8000"
    host: str = "127.0.0.1"
    port: int = 8000
    outbox_retry_seconds: float = Field(default=15.0, gt=0)
    # a turn still unfinished this long after it started is taken as abandoned (its process
    # died) and taken up again by the housekeeping; keep it above the slowest live turn
    # (model timeout x (retries + 1) for each of two model calls, plus the provider's send)
    turn_abandoned_after_seconds: float = Field(default=120.0, ge=MIN_TURN_ABANDONED_SECONDS)
    auto_close_after_hours: float = Field(default=24.0, ge=0)
    # turns one process takes at once (the rest wait their turn); None = 1 when a turn is
    # all CPU (offline brain, demo store, embedded Chroma, SQLite), else
    # WAITING_TURNS_AT_ONCE
    turns_at_once: int | None = Field(default=None, ge=1, le=256)

    brain: Literal["offline", "llm"] = "offline"
    order_source: Literal["demo", "shopify"] = "demo"

    store_name: str = "Fjord & Fell"
    store_timezone: str = "Europe/Copenhagen"
    order_edit_url_template: str = "{base_url}/account/orders/{order_number}/edit"
    returns_url_template: str = "{base_url}/returns?order={order_number}"
    login_url_template: str = "{base_url}/account/login"
    support_reply_time: str = "within 1 business day"
    support_email: str = "support@fjordandfell.example"
    business_hours: str = "Mon-Fri 09:00-17:00"
    holidays: list[str] = []

    # console inbox and analytics: the first-response target, and images teammates attach
    response_time_target_minutes: float = Field(default=60.0, gt=0)
    attachment_max_bytes: int = Field(default=1024 * 1024, gt=0, le=8 * 1024 * 1024)

    pinned_product_ids: list[str] = []
    discount_codes: list[DiscountCode] = [
        DiscountCode(code="WELCOME10", description="10% off your first order",
                     shareable=True, percent_off=10),
        DiscountCode(code="STAFF40", description="staff discount", shareable=False),
    ]
    product_url_template: str = "{base_url}/products/{product_id}"

    # webchat widget (channels/webchat*.py): what it shows when it opens, how often it
    # looks for replies a teammate sent, whether it asks for an email at chat start.
    webchat_greeting: str = ("Hi! Ask us about an order, a return or anything in the shop. "
                             "We usually answer right away.")
    webchat_frequent_questions: list[str] = Field(default=[
        "Where is my order?", "How long do I have to return an item?",
        "What does shipping cost?", "Which size should I choose?",
        "Do you have a discount code?", "Talk to a person"], max_length=8)
    webchat_ask_email: bool = True
    webchat_poll_seconds: float = Field(default=2.0, gt=0)

    # merchant console (preview/): the first owner (password from the environment, else
    # generated and printed once), sign-in lifetime, where console content and eval cases go.
    console_owner_email: str = "owner@example.com"
    console_owner_password: str | None = Field(default=None, repr=False)
    console_session_hours: float = Field(default=12.0, gt=0, le=24 * 30)
    console_content_dir: Path | None = None
    console_eval_dir: Path | None = None

    secret_key: str | None = None
    now: datetime | None = None

    edit_window_hours: float = 12
    cancel_window_hours: float = 24
    return_window_days: int = 30

    route_confidence_floor: float = 0.5
    kb_score_floor: float = 0.36
    kb_collection: str = "knowledge_base"

    # SMS and WhatsApp over Twilio (channels/twilio*.py). The auth token signs webhooks;
    # without account SID + token + a sender, replies are held in the outbox.
    twilio_account_sid: str | None = None
    twilio_auth_token: str | None = None
    twilio_sms_from: str | None = None
    twilio_whatsapp_from: str | None = None
    twilio_messaging_service_sid: str | None = None
    twilio_whatsapp_template_sid: str | None = None
    twilio_api_base_url: str = "https://api.twilio.com"
    twilio_timeout_seconds: float = Field(default=10.0, gt=0)

    # Email (channels/email_inbound.py in, channels/smtp.py out). Without smtp_host, email
    # is held in the outbox. Inbound posts need mailgun_signing_key (Mailgun) or
    # email_inbound_secret (SendGrid Inbound Parse, raw MIME): see README "Email".
    smtp_host: str | None = None
    smtp_port: int = Field(default=587, gt=0, lt=65536)
    smtp_security: Literal["starttls", "ssl", "none"] = "starttls"
    smtp_username: str | None = None
    smtp_password: str | None = Field(default=None, repr=False)
    smtp_timeout_seconds: float = Field(default=20.0, gt=0)
    email_from_address: str | None = None
    email_from_name: str | None = None
    email_inbound_secret: str | None = Field(default=None, repr=False)
    mailgun_signing_key: str | None = Field(default=None, repr=False)

    @property
    def sqlite_path(self) -> Path:
        """The embedded database file."""
        return self.data_dir / "customer_agent.sqlite"

    @property
    def checkpoint_path(self) -> Path:
        """The LangGraph checkpoint database file."""
        return self.data_dir / "checkpoints.sqlite"

    @property
    def chroma_path(self) -> Path:
        """The embedded Chroma directory (``chroma_dir``, else under the data dir)."""
        return self.chroma_dir or self.data_dir / "chroma"

    def resolved_turns_at_once(self) -> int:
        """How many turns one process takes at once.

        With the offline brain, the demo store, the embedded Chroma and SQLite a turn
        never waits on the network: it is pure CPU, mostly Python holding the GIL, so two
        turns in one process only slow each other down (measured: one at a time gives more
        turns per second and a lower p95 than eight); a second core is used by a second
        worker. A turn that waits on a model, a shop or a server gives the GIL up while it
        waits, so more run at once.
        Sending the reply is not part of the turn's place (``TurnService.process``).
        """
        if self.turns_at_once is not None:
            return self.turns_at_once
        all_cpu = (self.brain == "offline" and self.order_source == "demo"
                   and not self.chroma_url
                   and self.resolved_database_url().startswith("sqlite"))
        return 1 if all_cpu else WAITING_TURNS_AT_ONCE

    def resolved_database_url(self) -> str:
        """``database_url`` if set, else the embedded SQLite file."""
        return self.database_url or f"sqlite:///{self.sqlite_path}"

    def resolved_secret_key(self) -> bytes:
        """The signing key: from settings, else generated once and kept in the data dir."""
        if self.secret_key:
            return self.secret_key.encode()
        key_file = self.data_dir / "secret.key"
        if not key_file.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            key_file.write_text(secrets.token_hex(32))
            key_file.chmod(0o600)
        return key_file.read_text().strip().encode()

    def store_policy(self) -> StorePolicy:
        """The rules' view of the configured windows."""
        return StorePolicy(
            edit_window=timedelta(hours=self.edit_window_hours),
            cancel_window=timedelta(hours=self.cancel_window_hours),
            return_window=timedelta(days=self.return_window_days),
        )

    def url(self, template: str, **values: str) -> str | None:
        """Fill a URL template; an empty template means "not configured" (None)."""
        if not template.strip():
            return None
        return template.format(base_url=self.public_base_url.rstrip("/"), **values)
