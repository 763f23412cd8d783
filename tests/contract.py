"""The public contract the issue fixes, written once for the CLI and HTTP tests."""

from __future__ import annotations

TURN_RESULT_KEYS = {
    "conversation_id", "skill", "confidence", "status", "redirect_to", "topics", "identity",
    "handoff", "parts", "rendered", "trace",
}
SKILL_NAMES = ["order_editing", "returns", "order_status", "faq", "handoff"]
