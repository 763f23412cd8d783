"""The settings an eval case runs with: the embedded default, hermetic and reproducible.

The environment's ``CUSTOMER_AGENT_*`` variables are not read (a report must not depend on
who ran it); a case's ``settings:`` mapping is the only override. The LLM endpoint is the
exception: ``--brain llm`` reads ``CUSTOMER_AGENT_LLM_*`` as ``agent.brain.llm`` does.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from pydantic_settings import BaseSettings, PydanticBaseSettingsSource

from agent.config import Settings

RESERVED_SETTINGS = frozenset({"data_dir", "chroma_dir", "database_url", "now", "secret_key",
                               "brain", "order_source"})
"""Set by the runner for every case; a suite may not override them."""

EVAL_SECRET_KEY = "customer-agent-eval"

BrainName = Literal["offline", "llm"]


class EvalSettings(Settings):
    """``Settings`` from keyword arguments only: no environment, no dotenv file."""

    @classmethod
    def settings_customise_sources(
        cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource, dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Only what the runner passes in."""
        return (init_settings,)


def case_settings(overrides: dict[str, Any], *, data_dir: Path, chroma_dir: Path,
                  now: datetime, brain: BrainName) -> EvalSettings:
    """The settings of one case run (raises ``pydantic.ValidationError`` on a bad value)."""
    return EvalSettings(**overrides, data_dir=data_dir, chroma_dir=chroma_dir, now=now,
                        secret_key=EVAL_SECRET_KEY, brain=brain, order_source="demo")
