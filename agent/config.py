"""Settings: every knob of the agent, with embedded defaults that run on a laptop.

Values come from the environment (prefix ``CUSTOMER_AGENT_``), e.g.
``CUSTOMER_AGENT_DATA_DIR=/var/lib/agent``. Nothing here reaches the network.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from skills.policy import StorePolicy


class DiscountCode(BaseModel):
    """A discount code the merchant configured; only shareable, active ones are ever shared."""

    code: str
    description: str
    shareable: bool = False
    active: bool = True
    expires_at: datetime | None = None


class Settings(BaseSettings):
    """Configuration of one agent deployment."""

    model_config = SettingsConfigDict(env_prefix="CUSTOMER_AGENT_", extra="ignore")

    data_dir: Path = Path("data")
    chroma_dir: Path | None = None
    database_url: str | None = None
    public_base_url: str = "http://127.0.0.1:8000"
    host: str = "127.0.0.1"
    port: int = 8000
    outbox_retry_seconds: float = Field(default=15.0, gt=0)

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

    pinned_product_ids: list[str] = []
    discount_codes: list[DiscountCode] = [
        DiscountCode(code="WELCOME10", description="10% off your first order",
                     shareable=True),
        DiscountCode(code="STAFF40", description="staff discount", shareable=False),
    ]
    product_url_template: str = "{base_url}/products/{product_id}"

    secret_key: str | None = None
    now: datetime | None = None

    edit_window_hours: float = 12
    cancel_window_hours: float = 24
    return_window_days: int = 30

    route_confidence_floor: float = 0.5
    kb_score_floor: float = 0.36
    kb_collection: str = "knowledge_base"

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
