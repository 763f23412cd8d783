"""Twilio webhook acknowledgement: how long the server takes to answer a correctly signed
inbound-SMS webhook (it stores the message and acknowledges before taking the turn).

Several shoppers text at once, each waiting for the agent's turn on its message to end
before texting again (as people do), so the acknowledgements are measured while the
server is busy taking turns. Baseline: a whole webchat turn over HTTP with 8
conversations at once (same percentile), which is what the acknowledgement must not wait
for.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

from agent.db import make_engine
from evals.bench.environment import elapsed_ms
from evals.bench.figures import Figure, MeasurementFailed, Target
from evals.bench.stats import latency_percentiles
from evals.bench.workload import turn_spec
from evals.load.senders import Senders, ServerAccess, new_message_sid
from evals.load.watcher import ReplyWatcher

ACK_TARGET = Target(200.0)
"""Issue #9: a Twilio webhook acknowledged in <= 200 ms p99."""
SHOPPERS = 8
REPLY_TIMEOUT_SECONDS = 120.0


def twilio_ack_figures(access: ServerAccess, database_url: str, messages_per_shopper: int,
                       webchat_at_8: dict[str, float | None]) -> list[Figure]:
    """Acknowledgement p50/p99 of signed SMS webhooks from ``SHOPPERS`` shoppers at once."""
    senders, engine = Senders(access), make_engine(database_url)
    watcher = ReplyWatcher(engine)
    acks: list[float] = []
    errors: list[str] = []

    def shopper(number: int) -> None:
        sender = f"+4561{number:06d}"
        for index in range(messages_per_shopper):
            spec = turn_spec("faq", 30_000 + number * messages_per_shopper + index)
            sid = new_message_sid()
            started = time.perf_counter()
            answer = senders.sms(sender, spec.text, sid)
            took = elapsed_ms(started)
            if answer.status_code != 200:
                errors.append(f"HTTP {answer.status_code}: {answer.text[:100]}")
                return
            acks.append(took)
            if watcher.wait(f"sms:{sender}", sid, REPLY_TIMEOUT_SECONDS) is None:
                errors.append(f"no turn ended for {sid} in {REPLY_TIMEOUT_SECONDS:.0f} s")
                return

    try:
        with ThreadPoolExecutor(SHOPPERS, thread_name_prefix="bench-sms") as pool:
            for future in [pool.submit(shopper, n) for n in range(SHOPPERS)]:
                future.result()
    finally:
        watcher.close()
        senders.close()
        engine.dispose()
    if errors:
        raise MeasurementFailed(f"Twilio webhooks failed: {errors[:3]}")
    ack = latency_percentiles(acks)
    note = f"{len(acks)} signed webhooks from {SHOPPERS} shoppers at once"
    baseline_of = "a whole webchat turn over HTTP at 8 concurrent conversations"
    return [
        Figure("twilio.ack.p50", ack["p50"], "ms", webchat_at_8["p50"], baseline_of,
               note=note),
        Figure("twilio.ack.p99", ack["p99"], "ms", webchat_at_8["p99"], baseline_of,
               ACK_TARGET, note=note),
    ]
