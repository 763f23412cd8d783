"""The load itself: N shoppers at once, each in one conversation at a time, for a duration.

Shopper ``i`` writes on ``channels[i % len(channels)]`` and plays that channel's scripts
in turn, one message after the other with a short pause to think; when a script ends it
starts a new conversation, until the time is up (the message under way is finished).
Every request is a :class:`Sample`: webchat and email answers carry the turn, so their
latency is the turn's; an SMS is acknowledged first (``sms``) and answered afterwards, so
the shopper also waits for its turn to end (``sms_reply``) before writing again.
"""

from __future__ import annotations

import itertools
import random
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial

import httpx

from evals.load.phrasing import varied
from evals.load.scripts import SCRIPTS, Script
from evals.load.senders import Senders, email_mime, new_email_id, new_message_sid
from evals.load.watcher import ReplyWatcher

THINK_SECONDS = (0.1, 0.5)
REPLY_TIMEOUT_SECONDS = 120.0
ANSWERED = frozenset({"processed", "no_reply"})


@dataclass(frozen=True)
class Sample:
    """One request: which channel (``sms_reply`` for an SMS turn after its ack), how long
    it took, and whether it succeeded (else why not)."""

    channel: str
    ms: float
    ok: bool
    error: str | None = None


class LoadDriver:
    """Runs the shoppers against one server and collects their samples."""

    def __init__(self, senders: Senders, watcher: ReplyWatcher, channels: Sequence[str],
                 seed: int = 0) -> None:
        unknown = [c for c in channels if c not in SCRIPTS]
        if unknown or not channels:
            raise ValueError(f"unknown channels {unknown}: choose from {', '.join(SCRIPTS)}")
        self.senders = senders
        self.watcher = watcher
        self.channels = list(channels)
        self.run_id = uuid.uuid4().hex[:6]
        self._numbers = itertools.count(1)
        self._forms = itertools.count()
        self._script_turns = {channel: itertools.count() for channel in SCRIPTS}
        self._samples: list[Sample] = []
        self._lock = threading.Lock()
        self._random = random.Random(seed)

    def run(self, conversations: int, seconds: float) -> list[Sample]:
        """Drive ``conversations`` shoppers at once for ``seconds``; every sample taken."""
        deadline = time.monotonic() + seconds
        with ThreadPoolExecutor(conversations, thread_name_prefix="shopper") as pool:
            futures = [pool.submit(self._shopper, self.channels[i % len(self.channels)],
                                   deadline) for i in range(conversations)]
            for future in futures:
                future.result()
        return list(self._samples)

    def _shopper(self, channel: str, deadline: float) -> None:
        play: Callable[[Script, float], None] = {
            "webchat": self._webchat, "sms": self._sms, "email": self._email}[channel]
        scripts = SCRIPTS[channel]
        while time.monotonic() < deadline:
            play(scripts[next(self._script_turns[channel]) % len(scripts)], deadline)
            self._think()

    def _think(self) -> None:
        with self._lock:
            pause = self._random.uniform(*THINK_SECONDS)
        time.sleep(pause)

    def _paced(self, script: Script, deadline: float) -> Iterator[str]:
        """The script's messages, each in a new form, a pause to think between them; none
        after the deadline but the first."""
        for index, text in enumerate(script.messages):
            if index:
                if time.monotonic() >= deadline:
                    return
                self._think()
            yield text if script.verbatim else varied(text, next(self._forms))

    def _record(self, sample: Sample) -> None:
        with self._lock:
            self._samples.append(sample)

    def _timed(self, channel: str, send: Callable[[], httpx.Response]) -> httpx.Response | None:
        """Send, record the sample, and return the answer when it was a success."""
        started = time.perf_counter()
        try:
            answer = send()
        except httpx.HTTPError as error:
            self._record(Sample(channel, _ms_since(started), False, type(error).__name__))
            return None
        ok = answer.status_code == 200
        self._record(Sample(channel, _ms_since(started), ok,
                            None if ok else f"HTTP {answer.status_code}: {answer.text[:200]}"))
        return answer if ok else None

    def _webchat(self, script: Script, deadline: float) -> None:
        conversation_id = f"load-{self.run_id}-{next(self._numbers)}"
        for text in self._paced(script, deadline):
            self._timed("webchat", partial(self.senders.webchat, conversation_id, text,
                                           as_email=script.as_email))

    def _sms(self, script: Script, deadline: float) -> None:
        number = f"+45{int(self.run_id, 16) % 1000:03d}{next(self._numbers):06d}"
        for text in self._paced(script, deadline):
            sid = new_message_sid()
            started = time.perf_counter()
            if self._timed("sms", partial(self.senders.sms, number, text, sid)) is None:
                return
            state = self.watcher.wait(f"sms:{number}", sid, REPLY_TIMEOUT_SECONDS)
            ok = state in ANSWERED
            self._record(Sample("sms_reply", _ms_since(started), ok,
                                None if ok else f"turn ended {state or 'never (timed out)'}"))

    def _email(self, script: Script, deadline: float) -> None:
        sender = f"shopper-{self.run_id}-{next(self._numbers)}@load.example"
        previous: str | None = None
        for text in self._paced(script, deadline):
            message_id = new_email_id()
            subject = f"Re: {script.subject}" if previous else script.subject
            raw = email_mime(sender, subject, text, message_id, in_reply_to=previous,
                             automatic=script.automatic)
            if self._timed("email", partial(self.senders.email, raw)) is None:
                return
            previous = message_id


def _ms_since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 2)
