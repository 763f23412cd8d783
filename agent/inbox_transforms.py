"""Deterministic rewrites of a teammate's draft, for the offline brain's one-click assists.

Each transform is a pure function of the text: fix grammar (capitals, spacing, doubled
words, a list of common typos), more formal (contractions expanded, no exclamation marks,
casual words replaced), friendlier (contractions, a greeting and a thank-you when missing),
more concise (filler phrases dropped or shortened). With a language model configured the
model does these instead; these are what a laptop with no key gets.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

COMMON_TYPOS: Mapping[str, str] = {
    "teh": "the", "recieve": "receive", "recieved": "received", "adress": "address",
    "seperate": "separate", "definately": "definitely", "occured": "occurred",
    "untill": "until", "wich": "which", "thier": "their", "accomodate": "accommodate",
    "shiping": "shipping", "garantee": "guarantee", "tommorow": "tomorrow",
    "tomorow": "tomorrow", "sucessful": "successful", "beleive": "believe",
    "alot": "a lot", "dont": "don't", "cant": "can't", "wont": "won't",
    "doesnt": "doesn't", "didnt": "didn't", "isnt": "isn't", "thats": "that's",
    "refferal": "referral", "apologise for the inconvience": "apologise for the inconvenience",
    "inconvience": "inconvenience", "payed": "paid", "reciept": "receipt",
    "adresses": "addresses", "availible": "available", "buisness": "business",
    "enviroment": "environment", "goverment": "government", "neccessary": "necessary",
    "occurence": "occurrence", "wierd": "weird", "truely": "truly",
}
CONTRACTIONS: Mapping[str, str] = {
    "can't": "cannot", "won't": "will not", "shan't": "shall not", "n't": " not",
    "i'm": "I am", "let's": "let us", "it's": "it is", "that's": "that is",
    "there's": "there is", "what's": "what is", "here's": "here is", "'re": " are",
    "'ll": " will", "'ve": " have", "'d": " would",
}
CONTRACTED: Mapping[str, str] = {
    "do not": "don't", "does not": "doesn't", "did not": "didn't", "is not": "isn't",
    "are not": "aren't", "cannot": "can't", "will not": "won't", "I am": "I'm",
    "we are": "we're", "you are": "you're", "it is": "it's", "that is": "that's",
    "I will": "I'll", "we will": "we'll", "I have": "I've", "we have": "we've",
    "let us": "let's",
}
CASUAL_TO_FORMAL: Mapping[str, str] = {
    "hi": "Hello", "hey": "Hello", "thanks": "Thank you", "thx": "Thank you",
    "yeah": "yes", "yep": "yes", "nope": "no", "ok": "very well", "okay": "very well",
    "asap": "as soon as possible", "gonna": "going to", "wanna": "want to",
    "cheers": "Kind regards",
}
FILLER_PHRASES: tuple[tuple[str, str], ...] = (
    (r"i just wanted to let you know that ", ""), (r"i wanted to let you know that ", ""),
    (r"i would like to inform you that ", ""), (r"please (?:be advised|note) that ", ""),
    (r"as a matter of fact,? ", ""), (r"at this point in time", "now"),
    (r"at the present time", "now"), (r"in order to", "to"),
    (r"due to the fact that", "because"), (r"in the event that", "if"),
    (r"for the purpose of", "for"), (r"with regard(?:s)? to", "about"),
    (r"a (?:large|great) number of", "many"), (r"(?:basically|actually|really|literally|"
     r"just|quite|very|totally|simply|kind of|sort of|of course|needless to say),? ", ""),
)
GREETINGS = re.compile(r"^\s*(?:hi|hello|hey|dear|good (?:morning|afternoon|evening))\b", re.I)
THANKS = re.compile(r"\bthank(?:s| you)\b", re.I)


def _case_like(original: str, replacement: str) -> str:
    if original[:1].isupper() and replacement[:1].islower():
        return replacement[:1].upper() + replacement[1:]
    return replacement


def _keeping_case(replacement: str) -> Callable[[re.Match[str]], str]:
    return lambda match: _case_like(match.group(0), replacement)


def _replace_words(text: str, table: Mapping[str, str]) -> str:
    for wrong, right in sorted(table.items(), key=lambda item: -len(item[0])):
        pattern = re.compile(rf"(?<![\w']){re.escape(wrong)}(?![\w'])", re.I)
        text = pattern.sub(_keeping_case(right), text)
    return text


def _tidy_spacing(text: str) -> str:
    text = re.sub(r"[ \t]+", " ", text)
    text = re.sub(r" +([,.;:!?])(?=[A-Za-z])", r"\1 ", text)
    text = re.sub(r" +([,.;:!?])", r"\1", text)
    text = re.sub(r"([,;:])(?=[A-Za-z])", r"\1 ", text)
    text = re.sub(r"([.!?])(?=[A-Z])", r"\1 ", text)
    return "\n".join(line.strip() for line in text.split("\n")).strip()


def _capitalise_sentences(text: str) -> str:
    text = re.sub(r"(?<![\w'])i(?![\w'])", "I", text)
    text = re.sub(r"(?<![\w'])i'(m|ll|ve|d)\b", r"I'\1", text)
    return re.sub(r"(^|[.!?]\s+|\n\s*)([a-z])", lambda m: m.group(1) + m.group(2).upper(), text)


def fix_grammar(text: str) -> str:
    """Typos from a list, doubled words, spacing, capitals, and a full stop at the end."""
    fixed = _replace_words(text, COMMON_TYPOS)
    fixed = re.sub(r"\b(\w+)(\s+\1\b)+", r"\1", fixed, flags=re.I)
    fixed = _capitalise_sentences(_tidy_spacing(fixed))
    if fixed and fixed[-1].isalnum():
        fixed += "."
    return fixed


def more_formal(text: str) -> str:
    """Contractions expanded, casual words replaced, exclamation marks made full stops."""
    formal = _replace_words(text, CASUAL_TO_FORMAL)
    for short, full in sorted(CONTRACTIONS.items(), key=lambda item: -len(item[0])):
        if short.startswith(("'", "n'")):
            formal = re.sub(rf"(?<=\w){re.escape(short)}\b", full, formal, flags=re.I)
        else:
            formal = re.sub(rf"(?<![\w']){re.escape(short)}(?![\w'])",
                            _keeping_case(full), formal, flags=re.I)
    formal = re.sub(r"\bca not\b", "cannot", formal)
    formal = re.sub(r"!+", ".", formal)
    formal = re.sub(r"[\U0001F300-\U0001FAFF\u2600-\u27BF]", "", formal)
    return _capitalise_sentences(_tidy_spacing(formal))


def friendlier(text: str) -> str:
    """Contractions, a greeting when there is none, and thanks when none is given."""
    friendly = _replace_words(text, CONTRACTED).strip()
    if not GREETINGS.match(friendly):
        friendly = f"Hi there,\n\n{friendly}" if "\n" in friendly else f"Hi there! {friendly}"
    if not THANKS.search(friendly):
        friendly = f"{friendly} Thanks so much for your patience!"
    return _tidy_spacing(friendly)


def more_concise(text: str) -> str:
    """Filler phrases dropped or shortened; spacing and capitals put right."""
    concise = text
    for phrase, shorter in FILLER_PHRASES:
        concise = re.sub(rf"(?<![\w']){phrase}", shorter, concise, flags=re.I)
    return _capitalise_sentences(_tidy_spacing(concise))


OFFLINE_TRANSFORMS: Mapping[str, Callable[[str], str]] = {
    "grammar": fix_grammar, "formal": more_formal, "friendlier": friendlier,
    "concise": more_concise,
}
"""Assist name -> the deterministic rewrite the offline brain offers."""
