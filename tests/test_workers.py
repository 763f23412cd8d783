"""``customer-agent serve --workers 2``: de-duplication and human ownership hold across
worker processes, because they live in the database, not in memory."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from agent.conversations import ConversationStore
from agent.db import make_engine
from tests.knowledge_base.chroma_server import free_port

STARTUP_SECONDS = 240


@pytest.fixture(scope="module")
def two_workers(tmp_path_factory: pytest.TempPathFactory,
                demo_chroma: Path) -> Iterator[tuple[str, Path]]:
    data_dir = tmp_path_factory.mktemp("workers")
    port = free_port()
    env = {**os.environ, "CUSTOMER_AGENT_CHROMA_DIR": str(demo_chroma),
           "CUSTOMER_AGENT_SECRET_KEY": "test-secret", "HF_HUB_OFFLINE": "1"}
    server = subprocess.Popen(
        [sys.executable, "-m", "agent.cli", "--data-dir", str(data_dir), "serve",
         "--port", str(port), "--workers", "2"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + STARTUP_SECONDS
    pids: set[int] = set()
    try:
        while len(pids) < 2 and time.monotonic() < deadline:
            try:
                pids.add(httpx.get(f"{base}/healthz", timeout=5).json()["worker_pid"])
            except httpx.HTTPError:
                time.sleep(0.5)
        assert len(pids) == 2, f"two workers did not both answer within {STARTUP_SECONDS} s"
        yield base, data_dir
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_a_message_sent_to_both_workers_at_once_is_answered_once(
        two_workers: tuple[str, Path]) -> None:
    base, data_dir = two_workers
    body = {"conversation_id": "dup-1", "channel": "sms", "sender": "+4520123456",
            "text": "do you ship to Norway?", "client_message_id": "SM-dup-1"}
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: httpx.post(f"{base}/api/turns", json=body,
                                                     timeout=60), range(8)))
    assert {a.status_code for a in answers} <= {200, 409}
    assert any(a.status_code == 200 for a in answers)
    store = ConversationStore(make_engine(f"sqlite:///{data_dir}/customer_agent.sqlite"))
    transcript = store.transcript("dup-1")
    assert [m["direction"] for m in transcript] == ["in", "out"]
    assert [m.recipient for m in store.outbox() if m.conversation_id == "dup-1"] == [
        "+4520123456"]


def test_a_human_owned_thread_stays_silent_on_every_worker(
        two_workers: tuple[str, Path]) -> None:
    base, _ = two_workers
    first = httpx.post(f"{base}/api/turns", timeout=60, json={
        "conversation_id": "own-1", "channel": "sms", "sender": "+4520123457",
        "text": "I want to talk to a person"}).json()
    assert first["handoff"] is not None
    pids = set()
    for attempt in range(12):
        pids.add(httpx.get(f"{base}/healthz", timeout=5).json()["worker_pid"])
        later = httpx.post(f"{base}/api/turns", timeout=60, json={
            "conversation_id": "own-1", "channel": "sms", "sender": "+4520123457",
            "text": f"hello? ({attempt})"}).json()
        assert later["handoff"] == {"reason": "human_owned", "ticket_id": None}
        assert later["parts"] == []
    assert len(pids) == 2


def test_a_worker_killed_outright_is_replaced_and_nothing_is_refused(
        two_workers: tuple[str, Path]) -> None:
    base, _ = two_workers

    def answering_pids() -> set[int]:
        return {httpx.get(f"{base}/healthz", timeout=5).json()["worker_pid"]
                for _ in range(12)}

    before = answering_pids()
    victim = min(before)
    os.kill(victim, signal.SIGKILL)
    deadline = time.monotonic() + STARTUP_SECONDS
    after = answering_pids()
    while (victim in after or len(after) < 2) and time.monotonic() < deadline:
        time.sleep(0.2)
        after = answering_pids()
    assert victim not in after and len(after) == 2, after
    answer = httpx.post(f"{base}/api/turns", timeout=60, json={
        "conversation_id": "after-kill", "channel": "webchat",
        "text": "do you ship to Norway?"})
    assert answer.status_code == 200
    assert answer.json()["skill"] == "faq"


def test_forked_workers_tell_the_shoppers_language_with_the_shared_models(
        two_workers: tuple[str, Path]) -> None:
    base, _ = two_workers
    for attempt in range(4):  # both workers, whichever takes each connection
        answer = httpx.post(f"{base}/api/turns", timeout=60, json={
            "conversation_id": f"da-{attempt}", "channel": "webchat",
            "text": "Hvor er min ordre 1043?"}).json()
        assert answer["skill"] == "order_status" and answer["status"] == "needs_identity"
        assert answer["parts"][0]["text"].startswith("For at beskytte dine ordrer")
