"""``customer-agent users``: add, list and reset console users from the terminal."""

from __future__ import annotations

import io
import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from agent.cli import main
from agent.config import Settings
from agent.db import make_engine
from preview.users import UserStore


def test_add_list_and_reset_a_password(tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    data = ["--data-dir", str(tmp_path)]
    assert main([*data, "users", "add", "Ana@Shop.example", "--role", "admin",
                 "--name", "Ana"]) == 0
    first = re.search(r"password: (\S+)", capsys.readouterr().out)
    assert first is not None
    assert main([*data, "users", "list", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == [
        {"email": "ana@shop.example", "name": "Ana", "role": "admin"}]

    users = UserStore(make_engine(Settings(data_dir=tmp_path).resolved_database_url()))
    assert users.authenticate("ana@shop.example", first.group(1), _now()) is not None
    assert main([*data, "users", "set-password", "ana@shop.example"]) == 0
    second = re.search(r"password: (\S+)", capsys.readouterr().out)
    assert second is not None and second.group(1) != first.group(1)
    assert users.authenticate("ana@shop.example", first.group(1), _now()) is None
    assert users.authenticate("ana@shop.example", second.group(1), _now()) is not None


def test_refusals_are_clear(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                            monkeypatch: pytest.MonkeyPatch) -> None:
    data = ["--data-dir", str(tmp_path)]
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main([*data, "users", "add", "a@shop.example", "--password-stdin"]) == 2
    assert "at least 10 characters" in capsys.readouterr().err
    assert main([*data, "users", "set-password", "nobody@shop.example"]) == 2
    assert "no console user nobody@shop.example" in capsys.readouterr().err


def _now() -> datetime:
    return datetime.now(UTC)
