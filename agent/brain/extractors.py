"""Rule-based extractors: order numbers, emails, phones, one-time codes, yes/no, the change.

Pure functions over the message text, used by every brain: a code or an order number is
never left to a model to find.
"""

from __future__ import annotations

import re

from agent.brain.base import Entities

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
ORDER_PREFIXED = re.compile(
    r"(?:#\s*|\border\s*(?:number|no\.?|nr\.?|num)?\s*[:#]?\s*#?\s*)(\d{3,8})\b", re.I)
BARE_ORDER = re.compile(r"(?<![\d+#-])\b(\d{4,5})\b(?![\d-])")
CODE = re.compile(r"(?<![\d#+])(\d{3})[\s-]?(\d{3})(?![\d])")
PHONE = re.compile(r"(?<![\w])\+?\d[\d\s().-]{7,}\d")
GREETING = re.compile(
    r"^\s*(hi|hello|hey|hiya|good (morning|afternoon|evening)|hej|hei|hallo|cześć|czesc|"
    r"dzień dobry|привіт|вітаю|你好|您好)( there)?[\s!.,]*$", re.I)
SIGN_OFF = re.compile(
    r"^\s*((ok(ay)?|great|perfect|super|cool|fine|brilliant)[\s,.!]*)*"
    r"(thanks?( you)?( so much| a lot| very much)?|thx|ty|cheers|many thanks|bye|goodbye|"
    r"see you|have a (nice|good|great) (day|evening|weekend)|that'?s all|that is all|"
    r"all good|nothing else)([\s,.!]+(thanks?( you)?|bye|goodbye|have a (nice|good|great) "
    r"(day|evening|weekend)))*[\s!.,:)]*$", re.I)

YES = re.compile(r"^\s*(yes|yeah|yep|yup|sure|ok(ay)?|please do|correct|right|y)\b", re.I)
NO = re.compile(r"^\s*(no|nope|nah|not really|don't|do not|n)\b(?! (problem|worries))", re.I)

CHANGE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("cancel", re.compile(r"\bcancel", re.I)),
    ("address", re.compile(r"\baddress\b|\bmoved\b|\bship (it )?to\b|\bdeliver(y)? to\b", re.I)),
    ("add_item", re.compile(
        r"\badd\b.*\b(to|onto|in)\b.*\border\b|\badd (another|one more|an item|something|"
        r"a |an )", re.I)),
    ("size", re.compile(r"\bsizes?\b|\bsmaller\b|\bbigger\b|\blarger\b|"
                        r"\b(small|medium|large|xs|xl|xxl)\b", re.I)),
    ("color", re.compile(r"\bcolou?rs?\b|\b(black|blue|red|green|grey|gray|navy|olive)\b",
                         re.I)),
    ("quantity", re.compile(r"\bquantity\b|\bhow many\b|\bonly need\b|\binstead of\b", re.I)),
)


def extract_email(text: str) -> str | None:
    """The first email address in ``text``, lower-cased."""
    match = EMAIL.search(text)
    return match.group(0).lower() if match else None


def extract_order_number(text: str) -> str | None:
    """An order number: ``#1042``, ``order 1042``, ``order no. 1042``, or a bare 4-5 digits."""
    without_emails = EMAIL.sub(" ", text)
    match = ORDER_PREFIXED.search(without_emails)
    if match:
        return match.group(1)
    match = BARE_ORDER.search(PHONE.sub(" ", without_emails))
    return match.group(1) if match else None


def extract_code(text: str) -> str | None:
    """A 6-digit one-time code (``123456``, ``123 456``, ``123-456``) that is not an order."""
    without = PHONE.sub(" ", ORDER_PREFIXED.sub(" ", EMAIL.sub(" ", text)))
    for match in CODE.finditer(without):
        start, end = match.span()
        if start > 0 and without[start - 1].isdigit():
            continue
        if end < len(without) and without[end].isdigit():
            continue
        return match.group(1) + match.group(2)
    return None


def normalise_phone(text: str) -> str:
    """``+45 33 12-34 56`` -> ``+4533123456``."""
    digits = re.sub(r"[^\d+]", "", text)
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    return digits if digits.startswith("+") else f"+{digits}"


def extract_phone(text: str) -> str | None:
    """A phone number written with at least 9 digits, in E.164 form."""
    match = PHONE.search(EMAIL.sub(" ", text))
    if not match or len(re.sub(r"\D", "", match.group(0))) < 9:
        return None
    return normalise_phone(match.group(0))


def extract_yes_no(text: str) -> bool | None:
    """True for a yes, False for a no, None otherwise."""
    if YES.match(text):
        return True
    if NO.match(text):
        return False
    return None


def extract_change(text: str) -> str | None:
    """The change asked for: cancel, add_item, address, size, color or quantity."""
    return next((name for name, pattern in CHANGE_PATTERNS if pattern.search(text)), None)


def is_greeting(text: str) -> bool:
    """A message that only says hello."""
    return bool(GREETING.match(text))


def is_sign_off(text: str) -> bool:
    """A message that only thanks or says goodbye ("thanks!", "ok bye", "have a nice day")."""
    return bool(SIGN_OFF.match(text))


def extract_entities(text: str) -> Entities:
    """Every entity the extractors find in ``text``."""
    return Entities(
        order_number=extract_order_number(text),
        email=extract_email(text),
        phone=extract_phone(text),
        code=extract_code(text),
        yes_no=extract_yes_no(text),
        change=extract_change(text),
    )
