"""Runs cases in-process on the embedded default: one fresh runtime per case run.

Every runtime shares the run's ``Environment``: one loaded embedding model and one
ingested Chroma directory, so building a runtime costs tens of milliseconds (a suite with
``articles:`` has its own directory, built once per run). Each case gets its own SQLite
databases on the case's fixed clock; a verified shopper gets a signed storefront token,
``say_code`` reads the latest one-time code from the outbox, and a case's order note is
put into the demo store its runtime reads.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import time
import traceback
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from agent.runtime import Runtime, build_runtime
from agent.turns import InboundMessage
from evals.embedding import SharedEmbedder
from evals.grounding import PolicyIndex
from evals.loader import DEFAULT_CLOCK
from evals.order_notes import NotedDemoStore
from evals.results import routing_record, turn_record
from evals.retrieval import RecordingSearch
from evals.safety import OrderSecrets, given_by_shopper
from evals.settings import BrainName, case_settings
from evals.suite import Case, RoutingLine
from evals.suite_knowledge import SuiteKnowledge, build_suite_knowledge, policy_of
from knowledge_base.embedder import Embedder
from knowledge_base.ingest import ingest_demo_if_empty
from knowledge_base.search import KnowledgeBase
from skills.parts import Channel

CODE = re.compile(r"\b(\d{6})\b")
WARM_UP = "what is your returns policy?"


class CaseAborted(Exception):
    """A case that cannot go on (no code to send, an unknown customer, an engine error)."""


@dataclass
class Environment:
    """What every case of a run shares: the embedder, the ingested KB, a scratch folder.

    ``suite_knowledge`` maps a suite's ``articles`` folder to its own knowledge base.
    """

    embedder: Embedder
    chroma_dir: Path
    work_dir: Path
    brain: BrainName
    policy: PolicyIndex
    suite_knowledge: dict[Path, SuiteKnowledge] = field(default_factory=dict)

    @classmethod
    def prepare(cls, work_dir: Path, brain: BrainName, *, embedder: Embedder | None = None,
                chroma_dir: Path | None = None,
                article_folders: Sequence[Path] = ()) -> Environment:
        """Load (or share) the embedder and ingest the demo articles once for the run, then
        build one knowledge base per suite article folder."""
        loaded = embedder or Embedder()
        shared = loaded if isinstance(loaded, SharedEmbedder) else SharedEmbedder(loaded)
        chroma = chroma_dir or work_dir / "chroma"
        knowledge_base = KnowledgeBase.open(chroma, "knowledge_base", shared)
        ingest_demo_if_empty(knowledge_base)
        env = cls(embedder=shared, chroma_dir=chroma, work_dir=work_dir, brain=brain,
                  policy=policy_of(knowledge_base))
        for index, folder in enumerate(dict.fromkeys(article_folders), start=1):
            env.suite_knowledge[folder] = build_suite_knowledge(
                knowledge_base, folder, work_dir / f"suite-kb-{index}", shared)
        env.warm_up()
        return env

    def knowledge_for(self, case: Case) -> SuiteKnowledge:
        """The knowledge base a case's runtime reads: its suite's own, or the shared one."""
        if case.articles is not None:
            return self.suite_knowledge[case.articles]
        return SuiteKnowledge(chroma_dir=self.chroma_dir, policy=self.policy)

    def warm_up(self) -> None:
        """One untimed offline turn, so the first case does not pay for lazy loading."""
        with self.runtime({}, DEFAULT_CLOCK, brain="offline") as runtime:
            runtime.turns.handle(InboundMessage(conversation_id="eval-warm-up",
                                                channel=Channel.WEBCHAT, text=WARM_UP))

    @contextmanager
    def runtime(self, settings: dict[str, Any], clock: datetime,
                brain: BrainName | None = None, *, chroma_dir: Path | None = None,
                order_notes: Mapping[str, str] | None = None) -> Iterator[Runtime]:
        """A fresh runtime on its own databases, removed after: the run's brain and shared
        knowledge base unless told; ``order_notes`` (number -> note) go into its store."""
        data_dir = Path(tempfile.mkdtemp(prefix="case-", dir=self.work_dir))
        runtime = build_runtime(case_settings(settings, data_dir=data_dir,
                                              chroma_dir=chroma_dir or self.chroma_dir,
                                              now=clock, brain=brain or self.brain),
                                embedder=self.embedder, ingest_demo=False,
                                source=NotedDemoStore(clock, order_notes)
                                if order_notes else None)
        try:
            yield runtime
        finally:
            runtime.close()
            shutil.rmtree(data_dir, ignore_errors=True)


def latest_code(runtime: Runtime, conversation_id: str) -> str:
    """The last one-time code the agent sent in this conversation."""
    for message in reversed(runtime.services.store.outbox()):
        if message.conversation_id == conversation_id and message.kind == "one_time_code":
            match = CODE.search(message.body)
            if match:
                return match.group(1)
    raise CaseAborted("say_code: no one-time code was sent in this conversation")


def storefront_token(runtime: Runtime, email: str) -> str:
    """A signed storefront session for the customer with ``email``."""
    customer = runtime.services.source.customer_by_email(email)
    if customer is None:
        raise CaseAborted(f"customer.verified: no customer on file with email {email}")
    return runtime.services.tokens.issue(customer.id, runtime.services.clock.now())


def run_case(env: Environment, case: Case, attempt: int) -> dict[str, Any]:
    """One run of a case: every turn, checked; an error ends the run and fails it."""
    turns: list[dict[str, Any]] = []
    error: str | None = None
    knowledge = env.knowledge_for(case)
    shopper = case.shopper
    notes = {shopper.order: shopper.order_note} if shopper.order and shopper.order_note \
        else None
    try:
        with env.runtime(case.settings, case.clock, chroma_dir=knowledge.chroma_dir,
                         order_notes=notes) as runtime:
            _take_turns(runtime, case, knowledge.policy, turns)
    except CaseAborted as aborted:
        error = str(aborted)
    except Exception as exc:  # an engine failure fails the case, it does not stop the run
        error = f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=8)}"
    passed = error is None and all(t["passed"] for t in turns)
    return {"attempt": attempt, "passed": passed, "error": error, "turns": turns}


def _take_turns(runtime: Runtime, case: Case, policy: PolicyIndex,
                turns: list[dict[str, Any]]) -> None:
    recorder = RecordingSearch(runtime.services.knowledge)
    runtime.services.knowledge = recorder
    secrets = OrderSecrets.from_source(runtime.services.source)
    shopper = case.shopper
    token = storefront_token(runtime, shopper.email) if shopper.verified and shopper.email \
        else None
    conversation_id = f"eval-{uuid.uuid4().hex[:16]}"
    typed: list[str] = []
    for index, turn in enumerate(case.turns, start=1):
        text = latest_code(runtime, conversation_id) if turn.say_code else str(turn.say)
        typed.append(text)
        recorder.take()
        started = time.perf_counter()
        try:
            result = runtime.turns.handle(InboundMessage(
                conversation_id=conversation_id, channel=Channel(case.channel), text=text,
                claimed_email=shopper.email if shopper.claimed else None,
                storefront_token=token, sender=shopper.sender))
        except Exception as exc:
            raise CaseAborted(f"turn {index}: {type(exc).__name__}: {exc}") from exc
        latency_ms = (time.perf_counter() - started) * 1000
        given = given_by_shopper(typed, [shopper.sender,
                                         shopper.email if shopper.claimed else None])
        turns.append(turn_record(index, text, turn, result.model_dump(mode="json"),
                                 latency_ms, policy, recorder.take(), secrets, given))


def run_routing(env: Environment, lines: list[RoutingLine]) -> list[dict[str, Any]]:
    """Each line as the first message of a fresh anonymous webchat conversation."""
    records = []
    with env.runtime({}, DEFAULT_CLOCK) as runtime:
        for line in lines:
            started = time.perf_counter()
            try:
                result = runtime.turns.handle(InboundMessage(
                    conversation_id=f"eval-{uuid.uuid4().hex[:16]}",
                    channel=Channel.WEBCHAT, text=line.text)).model_dump(mode="json")
                error = None
            except Exception as exc:  # recorded as a miss, the run goes on
                result, error = {}, f"{type(exc).__name__}: {exc}"
            latency_ms = (time.perf_counter() - started) * 1000
            records.append(routing_record(line, result, latency_ms, error))
    return records
