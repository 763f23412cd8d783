"""One reply per inbound message, whatever turns overlap on it (SQLite and PostgreSQL).

A turn slower than ``turn_abandoned_after_seconds`` is taken up again while it still
runs; both turns then try to answer. ``answer_inbound`` lets the first one through and
refuses the other, even when they finish at the same moment; a turn that fails does not
undo an answer another turn stored.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from threading import Barrier

from agent.conversations import ConversationStore

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
LATER = NOW + timedelta(minutes=5)
STALE = timedelta(minutes=2)


def stored_inbound(store: ConversationStore, sid: str = "SM1") -> int:
    store.ensure_conversation("sms:+4520123456", "sms", NOW)
    return store.record_inbound("sms:+4520123456", "sms", "where is my order?", sid, NOW)


def answer(store: ConversationStore, inbound_id: int, text: str) -> int | None:
    return store.answer_inbound("sms:+4520123456", "sms", inbound_id, text,
                                [{"type": "text", "text": text}], {"said": text}, "pending",
                                LATER)


def replies_to(store: ConversationStore, inbound_id: int) -> list[str]:
    return [m.text for m in store.messages("sms:+4520123456")
            if m.direction == "out" and m.reply_to == inbound_id]


def state_of(store: ConversationStore, inbound_id: int) -> str:
    return next(m.delivery_state for m in store.messages("sms:+4520123456")
                if m.id == inbound_id)


def test_the_first_of_two_overlapping_turns_answers_and_the_second_stores_nothing(
        store: ConversationStore) -> None:
    inbound_id = stored_inbound(store)
    assert store.reclaim_inbound(inbound_id, LATER, STALE)  # the slow turn taken up again

    first = answer(store, inbound_id, "from the turn that finished first")
    second = answer(store, inbound_id, "from the turn that finished second")

    assert first is not None and second is None
    assert replies_to(store, inbound_id) == ["from the turn that finished first"]
    assert state_of(store, inbound_id) == "processed"
    assert store.result_for(inbound_id) == {"said": "from the turn that finished first"}


def test_turns_finishing_at_the_same_moment_store_one_reply(store: ConversationStore) -> None:
    inbound_id = stored_inbound(store)
    turns = 6
    start = Barrier(turns)

    def finish(turn: int) -> int | None:
        start.wait()
        return answer(store, inbound_id, f"reply of turn {turn}")

    with ThreadPoolExecutor(turns) as pool:
        outcomes = list(pool.map(finish, range(turns)))

    answered = [turn for turn, outcome in enumerate(outcomes) if outcome is not None]
    assert len(answered) == 1
    assert replies_to(store, inbound_id) == [f"reply of turn {answered[0]}"]


def test_a_turn_that_fails_after_another_answered_leaves_the_answer_standing(
        store: ConversationStore) -> None:
    inbound_id = stored_inbound(store)
    assert answer(store, inbound_id, "the answer") is not None

    store.fail_inbound(inbound_id)

    assert state_of(store, inbound_id) == "processed"
    assert replies_to(store, inbound_id) == ["the answer"]


def test_a_turn_still_running_answers_a_message_another_turn_failed_on(
        store: ConversationStore) -> None:
    inbound_id = stored_inbound(store)
    store.fail_inbound(inbound_id)
    assert state_of(store, inbound_id) == "failed"

    assert answer(store, inbound_id, "the slow turn's answer") is not None

    assert state_of(store, inbound_id) == "processed"
    assert replies_to(store, inbound_id) == ["the slow turn's answer"]


def test_a_queued_turn_starts_only_under_the_claim_it_was_accepted_with(
        store: ConversationStore) -> None:
    waited_briefly = stored_inbound(store, "SM-q1")
    claim = store.claim_of(waited_briefly)
    assert store.renew_claim(waited_briefly, claim, NOW + timedelta(seconds=5))
    assert store.claim_of(waited_briefly) != claim  # renewed: not abandoned while it runs

    waited_too_long = stored_inbound(store, "SM-q2")
    claim = store.claim_of(waited_too_long)
    assert store.reclaim_inbound(waited_too_long, LATER, STALE)  # the housekeeping took it
    assert not store.renew_claim(waited_too_long, claim, LATER)
    assert answer(store, waited_too_long, "answered by the housekeeping") is not None
    assert not store.renew_claim(waited_too_long, store.claim_of(waited_too_long), LATER)
