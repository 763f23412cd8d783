"""The commitment check: a composed text promises and reports no more than it was given.

Numbers, dates and links are checked by ``agent.brain.grounding``; a promise can be made
in words alone ("a full refund, no need to send anything back", "your order has been
cancelled", "we match any price"). Each kind of commitment below (a refund, a
cancellation, something free, a discount, compensation, a voucher, a guarantee, a
promise, a price match, keeping the item, express shipping, an upgrade, a replacement,
an exception, an approval, a waiver, an extension, and an action reported as done or
about to be done) is found by its words in English and, for the common ones, in the
other languages the brain replies in. A kind may appear in the model's text only if the
same kind appears in its sources (the part's facts, its draft, the cited passages), in
any language, so a draft in English grounds its German rewording:

* stated plainly ("you get a refund"), it needs a plain mention in the sources: a
  source that denies it ("we do not match prices") grounds no promise of it;
* denied ("no refund", "can't be cancelled"), it only needs the sources to mention it.

Actions are their own kind per verb: a draft that says an order *can* be cancelled does
not ground "your order has been cancelled".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from agent.brain.grounding import Ungrounded

TERMS: dict[str, str] = {
    "refund": r"refund\w*|money back|reimburs\w*|rückerstatt\w*|erstatt\w*|geld zurück"
              r"|refusion\w*|refusjon\w*|refunder\w*|tilbagebetal\w*|tilbakebetal\w*"
              r"|återbetal\w*|pengene tilbake?|pengarna tillbaka|refundacj\w*"
              r"|zwrot\w* (?:pieniędzy|środków|kosztów)|zwróc\w* (?:pieniądze|środki)"
              r"|повернення коштів|поверн\w* (?:вам )?(?:кошти|гроші)|退款|退钱",
    "cancellation": r"cancel\w*|storn\w*|annull?\w*|afbestil\w*|avbestill\w*|avbeställ\w*"
                    r"|kansell\w*|anul\w*|скасов\w*|скасув\w*|取消",
    "free": r"(?<![\w-])free(?![\w-])(?! to\b)|for nothing|no (?:extra )?(?:cost|charge)"
            r"|complimentary|on the house|kostenlos\w*|kostenfrei\w*|gratis|umsonst"
            r"|kostnadsfri\w*|avgiftsfri\w*|bezpłatn\w*|za darmo|darmow\w*|безкоштовн\w*|免费",
    "discount": r"discount\w*|coupon\w*|promo(?:tion(?:al)?)? codes?|\d+ ?%\s*off|per ?cent off"
                r"|off your (?:next |first )?(?:order|purchase)|half price|rabat\w*|zniżk\w*"
                r"|знижк\w*|折扣|优惠",
    "compensation": r"compensat\w*|make it up to you|goodwill|entschädig\w*|kompens\w*"
                    r"|erstatning\w*|ersättning\w*|rekompens\w*|odszkodowan\w*|компенс\w*"
                    r"|відшкодув\w*|补偿|赔偿",
    "voucher": r"voucher\w*|gift ?cards?|store credit|credit note|(?<![\w-])credit(?:s|ed)?\b"
               r"(?! card)|gutschein\w*|gutschrift\w*|geschenkkarte\w*|gavekort\w*"
               r"|tilgode\w*|presentkort\w*|tillgodo\w*|värdebevis\w*|bon\w* podarunkow\w*"
               r"|kart\w* podarunkow\w*|kupon\w*|подарунков\w* (?:карт\w*|сертифікат\w*)"
               r"|ваучер\w*|купон\w*|礼品卡|代金券|优惠券",
    "guarantee": r"guarant\w*|garant\w*|gwaranc\w*|gwarant\w*|гарант\w*|保证|担保",
    "promise": r"promis\w*|(?:you have|you've got) my word|give you my word|versprech\w*"
               r"|versproch\w*|(?:jeg|vi) lover|lovet|(?:jag|vi) lovar|utlovat|lovade"
               r"|obiec\w*|obiecuj\w*|обіця\w*|обіцян\w*|承诺|答应",
    "price match": r"match(?:es|ed|ing)?\s+(?:\w+'?\s+){0,2}?prices?|price[- ]?match\w*"
                   r"|beat (?:any|their|that|the|a) (?:lower )?price|preisgarantie"
                   r"|preisanpassung|prismatch\w*|prisgaranti\w*|价格匹配|保价",
    "keeping the item": r"(?:no|not|\w+n't|never)\s+(?:any\s+)?need(?:s|ed)?\s+to\s+"
                        r"(?:send|return|ship|post|mail|bring)"
                        r"|needn't\s+(?:send|return)|(?:don't|do not|doesn't|does not|won't"
                        r"|will not)\s+(?:even\s+)?have\s+to\s+(?:send|return|ship|post|mail)"
                        r"|keep\s+(?:the|your|those|these|both|all)\s+(?:\w+\s+)?(?:items?"
                        r"|products?|goods|boots|jacket)\b|keep it all"
                        r"|without\s+(?:\w+\s+)?(?:sending|returning|shipping|posting|a return)"
                        r"|no return (?:needed|required|necessary)"
                        r"|ohne (?:\w+ ){0,2}(?:rücksendung|zurück\w*)"
                        r"|nicht zurück(?:zu)?(?:schicken|senden|geben)"
                        r"|uden at (?:sende|returnere)|uten å (?:sende|returnere)"
                        r"|utan att (?:skicka|returnera)"
                        r"|(?:behøver|trenger|behöver) ikke (?:at |å )?(?:sende|returnere)"
                        r"|behöver inte (?:skicka|returnera)|bez (?:odsyłania|zwracania|odesłania)"
                        r"|nie musisz (?:\w+ )?(?:odsyłać|zwracać|odesłać)"
                        r"|без повернення|не потрібно (?:\w+ )?поверт\w*"
                        r"|(?:无需|不用|不必)(?:退回|寄回)",
    "express shipping": r"express\s+(?:shipping|delivery|post|courier|service)|expedited"
                        r"|next[- ]day (?:shipping|delivery)|overnight (?:shipping|delivery)"
                        r"|priority (?:shipping|delivery)|express(?:versand|lieferung)\w*"
                        r"|ekspres\w*|expressleverans\w*|expressfrakt\w*|експрес\w*|加急|特快",
    "upgrade": r"upgrad\w*|升级",
    "replacement": r"replac(?:e|ed|es|ing|ement|ements)\b|a new one|ersatz\w*|ersetz\w*"
                   r"|замін\w*|换新|补发",
    "exception": r"exception\w*|bend the rules?|ausnahm\w*|undtag\w*|unntak\w*|undantag\w*"
                 r"|wyjąt\w*|винят\w*|例外|破例",
    "approval": r"approv\w*|authori[sz](?:e|ed|es|ing|ation)\b|genehmig\w*|bewillig\w*"
                r"|godkend\w*|godkjen\w*|godkän\w*|zatwierdz\w*|схвал\w*|затвердж\w*|批准",
    "waiver": r"waiv\w*",
    "extension": r"extend\w*|extension\w*|verlänger\w*|forlæng\w*|forleng\w*|förläng\w*"
                 r"|przedłuż\w*|продовж\w*|延长",
}
ACTIONS: dict[str, str] = {
    "cancel": r"cancel\w*", "refund": r"refund\w*", "ship": r"ship(?:s|ped|ping)?",
    "dispatch": r"dispatch\w*", "change": r"chang(?:e|ed|es|ing)", "update": r"updat\w*",
    "replace": r"replac(?:e|ed|ing)", "upgrade": r"upgrad\w*", "approve": r"approv\w*",
    "extend": r"extend\w*", "credit": r"credit(?:ed)?", "waive": r"waiv\w*",
    "process": r"process(?:ed)?", "issue": r"issu(?:e|ed)", "compensate": r"compensat\w*",
    "reimburse": r"reimburs\w*", "arrange": r"arrang\w*", "send": r"(?:send|sent)",
    "return": r"return(?:ed)?", "add": r"add(?:ed)?", "book": r"book(?:ed)?",
}
DOER = (r"(?:has|have|had|is|are|was|were|\w+'(?:s|re|ve|ll)|i|we|(?:i|we) (?:will|shall|can"
        r"|am going to|are going to)|let me)")
ADVERBS = r"(?:already|now|just|successfully|fully|also|been|be|gone|personally|go ahead and)"
NEGATORS = frozenset({
    "not", "no", "never", "cannot", "nothing", "none", "without", "unable", "neither", "nor",
    "ikke", "ingen", "aldrig", "aldri", "uden", "uten", "inte", "utan", "nicht", "kein",
    "keine", "keinen", "keinem", "keiner", "nie", "niemals", "ohne", "bez", "żaden", "żadnego",
    "не", "ні", "без", "жодного", "жодних",
})
CJK_NEGATORS = "不没無无未非别"
NOT_A_NEGATION = re.compile(
    r"\bnot (?:only|just|a problem|to worry)\b|\bno (?:problem|worries|doubt|questions asked)\b"
    r"|\b(?:don'?t|do not|never) (?:worry|mind|fear)\b")
"""Reassurances, not denials: "don't worry I've refunded you" states a refund."""
CLAUSE_END = re.compile(r"[.;:!?,\n—–]|\s-\s|\bbut\b|\bhowever\b|\baber\b|\bmen\b|\bale\b|\bале\b")
TOKEN = re.compile(r"[\w']+")
LOOK_BACK_WORDS = 4
LOOK_BACK_CHARS = 60
CJK_LOOK_BACK = 3

PATTERNS: dict[str, re.Pattern[str]] = {
    **{kind: re.compile(rf"(?<!\w)(?:{words})", re.I) for kind, words in TERMS.items()},
    **{f"action: {verb}": re.compile(rf"\b{DOER}\s+(?:{ADVERBS}\s+){{0,3}}{form}\b", re.I)
       for verb, form in ACTIONS.items()},
}


@dataclass(frozen=True)
class Mention:
    """One commitment found in a text: its kind, its words, and whether it is denied."""

    kind: str
    words: str
    denied: bool


def _denied(text: str, start: int) -> bool:
    """Whether the words just before ``start``, in the same clause, deny what follows."""
    before = text[max(0, start - LOOK_BACK_CHARS):start].lower()
    clause = CLAUSE_END.split(before)[-1]
    if any(c in CJK_NEGATORS for c in clause[-CJK_LOOK_BACK:]):
        return True
    words = TOKEN.findall(NOT_A_NEGATION.sub(" ", clause))[-LOOK_BACK_WORDS:]
    return any(w in NEGATORS or w.endswith("n't") for w in words)


def mentions(text: str) -> list[Mention]:
    """Every commitment ``text`` makes or denies, in the order of ``PATTERNS``."""
    return [Mention(kind, match.group(0), _denied(text, match.start()))
            for kind, pattern in PATTERNS.items() for match in pattern.finditer(text)]


def unbacked(text: str, sources: Sequence[str]) -> list[Ungrounded]:
    """The commitments ``text`` makes that none of ``sources`` makes (empty when backed).

    A commitment stated plainly needs a plain one of its kind in the sources; a denied
    one only needs its kind to be mentioned there.
    """
    given = [m for source in sources for m in mentions(source)]
    stated = {m.kind for m in given if not m.denied}
    mentioned = {m.kind for m in given}
    found: dict[str, Ungrounded] = {}
    for mention in mentions(text):
        backed = mention.kind in (mentioned if mention.denied else stated)
        if not backed and mention.kind not in found:
            words = mention.words if mention.words.lower() == mention.kind \
                else f"{mention.words} ({mention.kind})"
            found[mention.kind] = Ungrounded("commitment", words)
    return list(found.values())
