"""FAQ: answer store-policy and product questions from the knowledge base, citing it.

Only sections above the knowledge base's score floor are used; with none, the agent says
it does not know and offers a person rather than guess.
"""

from __future__ import annotations

import re

from skills.base import (
    KnowledgeHit,
    OutcomeStatus,
    Prerequisite,
    PrerequisiteEnv,
    Skill,
    SkillContext,
    SkillOutcome,
    citation_of,
)
from skills.order_editing import talk_to_person_reply

SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
WORD = re.compile(r"[a-z0-9€%]+")
MAX_SENTENCES = 4
STOP_WORDS = frozenset({
    "a", "an", "the", "is", "are", "do", "does", "can", "i", "you", "your", "my", "me", "to",
    "of", "for", "in", "on", "and", "or", "what", "how", "when", "where", "which", "it", "be",
    "with", "have", "has", "there", "this", "that", "we", "our", "us",
})


def content_words(text: str) -> set[str]:
    """The lower-cased words of ``text`` that carry meaning."""
    return {w for w in WORD.findall(text.lower()) if w not in STOP_WORDS}


def reflow(section_text: str) -> list[str]:
    """Blocks of a section: wrapped lines joined, each list item on its own, ending in a stop."""
    blocks: list[list[str]] = []
    current: list[str] = []
    for raw in section_text.splitlines():
        line = raw.strip()
        if not line or LIST_ITEM.match(line):
            if current:
                blocks.append(current)
            current = [LIST_ITEM.sub("", line)] if line else []
            continue
        current.append(line.strip("#* "))
    if current:
        blocks.append(current)
    joined = [" ".join(part for part in block if part) for block in blocks]
    return [b if b[-1] in ".!?:" else f"{b}." for b in joined if b]


def extract_answer(question: str, section_text: str) -> str:
    """The sentences of a section that share the most words with the question, in order."""
    sentences = [s for block in reflow(section_text) for s in SENTENCE_END.split(block)
                 if s.strip()]
    if len(sentences) <= MAX_SENTENCES:
        return " ".join(sentences)
    wanted = content_words(question)
    overlap = [len(wanted & content_words(sentence)) for sentence in sentences]
    ranked = sorted((i for i in range(len(sentences)) if overlap[i]), key=lambda i: -overlap[i])
    keep = sorted(ranked[:MAX_SENTENCES]) or list(range(MAX_SENTENCES))
    return " ".join(sentences[i] for i in keep)


def knowledge_base_has_content(env: PrerequisiteEnv) -> str | None:
    """Live when the knowledge base answers a basic store question."""
    found = env.knowledge.search("store contact information and opening hours", k=1)
    return None if found else "the knowledge base is empty"


class FaqSkill(Skill):
    """Answer questions about the store's policies and products from its own content."""

    name = "faq"
    description = ("Questions about store policies, shipping, sizing, care, payment, "
                   "discounts, wholesale and the store itself.")
    examples = (
        "what is your return policy",
        "how long does shipping take",
        "do you ship to Germany",
        "what are your opening hours",
        "how do I wash a merino base layer",
        "what size should I get",
        "do you have a student discount",
        "which payment methods do you accept",
        "where is your store located",
        "do you offer free shipping",
        "how can I contact customer service",
        "which email address can I write to",
        "do you sell wholesale",
        "is the jacket waterproof",
        "can I pay with Klarna",
        "how long do I have to return something",
        "do you have a size chart for boots",
        "what's the cancellation policy",
        "do you have a newsletter discount",
    )
    topics = ("store_information",)
    prerequisites = (Prerequisite(name="content", check=knowledge_base_has_content),)

    def run(self, ctx: SkillContext) -> SkillOutcome:
        """Answer from the best section above the floor, or admit not knowing."""
        hits = list(ctx.knowledge.search(ctx.request.text, k=3))
        if not hits:
            return SkillOutcome(status=OutcomeStatus.RESOLVED, facts={"answered": False},
                                parts=[ctx.say("faq.unknown"), talk_to_person_reply()])
        best: KnowledgeHit = hits[0]
        answer = extract_answer(ctx.request.text, best.text)
        facts = {"answered": True, "section": best.section_id, "score": round(best.score, 3)}
        return SkillOutcome(status=OutcomeStatus.RESOLVED, facts=facts, parts=[
            ctx.say("faq.answer", answer=answer, heading=best.heading), citation_of(best)])
