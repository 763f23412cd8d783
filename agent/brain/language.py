"""Offline language detection: which of the languages the agent knows a message is in.

Uses ``lingua`` restricted to the languages the agent serves, built once per process.
Short Latin-script messages ("ok", "yes", "Talk to a person") are ambiguous, so they
return None and the conversation keeps the language it had; a greeting alone ("hej",
"cześć") is looked up in a small table first ("hej" is Danish and Swedish alike: the
demo store is Danish, so it reads as Danish), and a plainly English sentence is told by
its function words without the models.
"""

from __future__ import annotations

import re
from functools import lru_cache

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

from agent.brain.extractors import EMAIL

LANGUAGES: dict[Language, str] = {
    Language.ENGLISH: "en",
    Language.DANISH: "da",
    Language.BOKMAL: "nb",
    Language.POLISH: "pl",
    Language.UKRAINIAN: "uk",
    Language.CHINESE: "zh",
    Language.GERMAN: "de",
    Language.SWEDISH: "sv",
}
LANGUAGE_NAMES: dict[str, str] = {
    "en": "English", "da": "Danish", "nb": "Norwegian (Bokmål)", "pl": "Polish",
    "uk": "Ukrainian", "zh": "Chinese (Simplified)", "de": "German", "sv": "Swedish",
}
GREETING_LANGUAGE: dict[str, str] = {
    "hej": "da", "hei": "nb", "goddag": "da", "god morgen": "da",
    "cześć": "pl", "czesc": "pl", "dzień dobry": "pl", "dzien dobry": "pl",
    "привіт": "uk", "вітаю": "uk", "добрий день": "uk",
    "你好": "zh", "您好": "zh", "guten tag": "de", "hallå": "sv",
}
FEW_WORDS = 3
SURE_ENOUGH = 0.9
LIKELY = 0.3
LEAD = 0.05
NORDIC = frozenset({Language.DANISH, Language.BOKMAL, Language.SWEDISH})
NON_LATIN = frozenset({Language.UKRAINIAN, Language.CHINESE})
WORD = re.compile(r"\w+")
NOT_LANGUAGE = re.compile(r"https?://\S+|www\.\S+|#?\d[\d\s-]*")
ENGLISH_WORDS = frozenset({
    "the", "a", "an", "to", "my", "is", "are", "was", "i", "you", "your", "it", "of", "in",
    "on", "for", "and", "or", "what", "where", "when", "how", "why", "do", "does", "did",
    "can", "could", "would", "will", "should", "have", "has", "this", "that", "me", "we",
    "not"
})
OTHER_WORDS = frozenset({
    "jeg", "du", "vil", "ikke", "og", "er", "det", "har", "min", "mit", "mig", "hvor", "hvad",
    "kan", "en", "et", "jag", "och", "inte", "är", "ich", "und", "nicht", "ist", "das",
    "mein", "meine", "wo", "kann", "hei", "hej"
})
PLAIN_ENGLISH_WORDS = 5
PLAIN_ENGLISH_SHARE = 0.25


@lru_cache(maxsize=1)
def detector() -> LanguageDetector:
    """The process's detector over :data:`LANGUAGES` (its models load on first use)."""
    return LanguageDetectorBuilder.from_languages(*LANGUAGES).build()


def load_detector_models() -> None:
    """Load the detector's models now instead of on the first message that needs them.

    One Latin-script sentence loads every model a message can need (Cyrillic and Chinese
    are told by their script alone); loading this way starts no thread, so a process may
    fork afterwards and its children share the models (``serve --workers``).
    """
    detector().compute_language_confidence_values("Hvor er min ordre, bitte?")


def plainly_english(text: str, words: list[str]) -> bool:
    """An ASCII sentence of five words or more, a quarter of them English function words
    and none a Nordic or German one: English, without loading the detector's models
    (200 MB and seconds of start-up that most English-only stores never need)."""
    if not text.isascii() or len(words) < PLAIN_ENGLISH_WORDS:
        return False
    if any(word in OTHER_WORDS for word in words):
        return False
    return sum(word in ENGLISH_WORDS for word in words) / len(words) >= PLAIN_ENGLISH_SHARE


def detect_language(text: str) -> str | None:
    """The ISO 639-1 code of ``text``'s language, or None when it cannot be told.

    E-mail addresses, links and numbers are left out: they say nothing of a language.

    A message of fewer than three words in a Latin script must be nearly certain; a
    longer one needs a likely language that leads the next one, except that a near tie
    between Danish, Norwegian and Swedish (which share most short sentences) goes to the
    leader, since either reads better to the shopper than English.
    """
    text = NOT_LANGUAGE.sub(" ", EMAIL.sub(" ", text))
    words = WORD.findall(text.lower())
    if not any(ch.isalpha() for ch in text):
        return None
    greeting = GREETING_LANGUAGE.get(" ".join(words))
    if greeting is not None:
        return greeting
    if plainly_english(text, words):
        return "en"
    values = detector().compute_language_confidence_values(text)
    best, runner_up = values[0], values[1]
    if best.language in NON_LATIN and best.value >= LIKELY:
        return LANGUAGES[best.language]
    if len(words) < FEW_WORDS:
        sure = best.value >= SURE_ENOUGH
        return LANGUAGES[best.language] if sure else None
    close = best.value - runner_up.value < LEAD
    if best.value < LIKELY or (close and not {best.language, runner_up.language} <= NORDIC):
        return None
    return LANGUAGES[best.language]
