"""Offline routing in the other languages the agent speaks: translated examples, messages
that ask for nothing, and the words a request carries.

The embedding model is English; a Danish or Polish request lies far from every English
example (the router gave them all a confidence of 0 and the shopper a menu in English),
but near requests in its own language. So each built-in skill's examples are joined, for
routing, by a few in each language of ``agent.brain.language.LANGUAGES``; a skill added by
a merchant routes by its own examples only. In a language the model does not know, any
two sentences look alike, so a message that asks for nothing ("Jag har en fråga") would
be routed too: the router also weighs messages that ask for nothing, and is only
confident of a message matched by translated examples if it names something a request is
about (an order, a parcel, a refund, a person; ``mentions_a_request``). Held-out
requests in these languages are in the routing eval suite
(``evals/suites/routing/shopper_utterances.jsonl``) and the tests.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from agent.brain.extractors import extract_order_number
from skills.base import Skill

TRANSLATED_EXAMPLES: dict[str, dict[str, tuple[str, ...]]] = {
    "da": {
        "order_editing": (
            "Jeg vil gerne ændre min ordre", "Kan jeg annullere min ordre?",
            "Annuller venligst ordre 1043", "Jeg vil ændre størrelsen på min bestilling",
            "Kan I ændre leveringsadressen på min ordre?",
            "Jeg har bestilt den forkerte farve, kan det rettes?",
            "Jeg fortryder, annuller bestillingen", "Kan jeg tilføje en vare til min ordre?",
        ),
        "order_status": (
            "Hvor er min ordre?", "Hvornår kommer min pakke?", "Er min ordre sendt?",
            "Hvor er min pakke henne?", "Hvornår bliver min bestilling leveret?",
            "Jeg har ikke modtaget min ordre endnu", "Hvad er status på ordre 1043?",
            "Kan jeg få et trackingnummer?",
        ),
        "returns": (
            "Jeg vil gerne returnere min ordre", "Hvordan returnerer jeg en vare?",
            "Kan jeg bytte til en anden størrelse?",
            "Jakken passer ikke, jeg vil sende den tilbage",
            "Jeg vil have pengene tilbage for skoene",
            "Varen kom i stykker, jeg vil returnere den", "Jeg har fået den forkerte vare",
            "Hvordan får jeg en returlabel?",
        ),
        "faq": (
            "Hvor lang tid tager levering?", "Hvad koster fragt?", "Sender I til Norge?",
            "Hvilke betalingsmetoder tager I imod?", "Hvad er jeres returpolitik?",
            "Hvilken størrelse skal jeg vælge?", "Har I studierabat?",
            "Kan jeg betale med MobilePay?",
        ),
        "handoff": (
            "Jeg vil gerne tale med et menneske", "Kan jeg snakke med en medarbejder?",
            "Giv mig en rigtig person", "Jeg vil klage over jeres service",
            "Ring mig venligst op", "Jeg vil tale med kundeservice",
        ),
    },
    "nb": {
        "order_editing": (
            "Jeg vil endre bestillingen min", "Kan jeg kansellere ordren min?",
            "Vennligst avbestill ordre 1043", "Jeg vil bytte størrelse på bestillingen",
            "Kan dere endre leveringsadressen på ordren?",
            "Jeg bestilte feil farge, kan det endres?", "Jeg har ombestemt meg, kanseller ordren",
            "Kan jeg legge til en vare i bestillingen?",
        ),
        "order_status": (
            "Hvor er bestillingen min?", "Når kommer pakken min?", "Er ordren min sendt?",
            "Hvor er pakken min nå?", "Når blir bestillingen levert?",
            "Jeg har ikke fått ordren min ennå", "Hva er status på ordre 1043?",
            "Kan jeg få sporingsnummeret?",
        ),
        "returns": (
            "Jeg vil returnere bestillingen min", "Hvordan returnerer jeg en vare?",
            "Kan jeg bytte til en annen størrelse?",
            "Jakken passer ikke, jeg vil sende den tilbake", "Jeg vil ha pengene tilbake",
            "Varen kom i stykker, jeg vil returnere den", "Jeg har fått feil vare",
            "Hvordan får jeg en returlapp?",
        ),
        "faq": (
            "Hvor lang er leveringstiden?", "Hva koster frakt?", "Sender dere til Sverige?",
            "Hvilke betalingsmåter tar dere imot?", "Hva er returreglene deres?",
            "Hvilken størrelse bør jeg velge?", "Har dere studentrabatt?",
            "Kan jeg betale med Vipps?",
        ),
        "handoff": (
            "Jeg vil snakke med et menneske", "Kan jeg få snakke med en ansatt?",
            "Sett meg over til en ekte person", "Jeg vil klage på servicen",
            "Ring meg opp", "Jeg vil snakke med kundeservice",
        ),
    },
    "sv": {
        "order_editing": (
            "Jag vill ändra min beställning", "Kan jag avbeställa min order?",
            "Avbryt order 1043, tack", "Jag vill byta storlek på min beställning",
            "Kan ni ändra leveransadressen på min order?",
            "Jag beställde fel färg, kan ni ändra det?", "Jag har ångrat mig, avbryt ordern",
            "Kan jag lägga till en vara i min beställning?",
        ),
        "order_status": (
            "Var är min beställning?", "När kommer mitt paket?", "Har min order skickats?",
            "Var är mitt paket nu?", "När levereras min beställning?",
            "Jag har inte fått min order än", "Vad är status på order 1043?",
            "Kan jag få spårningsnumret?",
        ),
        "returns": (
            "Jag vill returnera min beställning", "Hur returnerar jag en vara?",
            "Kan jag byta till en annan storlek?",
            "Jackan passar inte, jag vill skicka tillbaka den", "Jag vill ha pengarna tillbaka",
            "Varan kom trasig, jag vill returnera den", "Jag har fått fel vara",
            "Hur får jag en returetikett?",
        ),
        "faq": (
            "Hur lång är leveranstiden?", "Vad kostar frakten?", "Skickar ni till Finland?",
            "Vilka betalningssätt tar ni emot?", "Vad gäller för returer hos er?",
            "Vilken storlek ska jag välja?", "Har ni studentrabatt?",
            "Kan jag betala med Swish?",
        ),
        "handoff": (
            "Jag vill prata med en människa", "Kan jag få prata med en anställd?",
            "Koppla mig till en riktig person", "Jag vill klaga på er service",
            "Ring upp mig", "Jag vill prata med kundtjänst",
        ),
    },
    "de": {
        "order_editing": (
            "Ich möchte meine Bestellung ändern", "Kann ich meine Bestellung stornieren?",
            "Bitte stornieren Sie Bestellung 1043",
            "Ich möchte die Größe in meiner Bestellung ändern",
            "Können Sie die Lieferadresse meiner Bestellung ändern?",
            "Ich habe die falsche Farbe bestellt, kann man das korrigieren?",
            "Ich habe es mir anders überlegt, bitte Bestellung stornieren",
            "Kann ich noch einen Artikel zu meiner Bestellung hinzufügen?",
        ),
        "order_status": (
            "Wo ist meine Bestellung?", "Wann kommt mein Paket?",
            "Wurde meine Bestellung schon verschickt?", "Wo ist mein Paket gerade?",
            "Wann wird meine Bestellung geliefert?",
            "Ich habe meine Bestellung noch nicht erhalten",
            "Wie ist der Status von Bestellung 1043?", "Kann ich die Sendungsnummer bekommen?",
        ),
        "returns": (
            "Ich möchte meine Bestellung zurückschicken",
            "Wie kann ich einen Artikel retournieren?",
            "Kann ich in eine andere Größe umtauschen?",
            "Die Jacke passt nicht, ich möchte sie zurücksenden",
            "Ich möchte mein Geld zurück",
            "Der Artikel kam kaputt an, ich möchte ihn zurückgeben",
            "Ich habe den falschen Artikel bekommen", "Wie bekomme ich ein Rücksendeetikett?",
        ),
        "faq": (
            "Wie lange dauert der Versand?", "Was kosten die Versandkosten?",
            "Liefern Sie nach Österreich?", "Welche Zahlungsarten akzeptieren Sie?",
            "Wie sind Ihre Rückgabebedingungen?", "Welche Größe soll ich nehmen?",
            "Gibt es einen Studentenrabatt?", "Kann ich mit PayPal bezahlen?",
        ),
        "handoff": (
            "Ich möchte mit einem Menschen sprechen", "Kann ich mit einem Mitarbeiter reden?",
            "Verbinden Sie mich mit einer echten Person", "Ich möchte mich beschweren",
            "Bitte rufen Sie mich an", "Ich möchte mit dem Kundenservice sprechen",
        ),
    },
    "pl": {
        "order_editing": (
            "Chcę zmienić moje zamówienie", "Czy mogę anulować zamówienie?",
            "Proszę anulować zamówienie 1043", "Chcę zmienić rozmiar w zamówieniu",
            "Czy możecie zmienić adres dostawy mojego zamówienia?",
            "Zamówiłem zły kolor, czy można to poprawić?",
            "Rozmyśliłam się, proszę anulować zamówienie",
            "Czy mogę dodać produkt do zamówienia?",
        ),
        "order_status": (
            "Gdzie jest moje zamówienie?", "Kiedy przyjdzie moja paczka?",
            "Czy moje zamówienie zostało wysłane?", "Gdzie jest teraz moja paczka?",
            "Kiedy dostanę zamówienie?", "Nie otrzymałem jeszcze zamówienia",
            "Jaki jest status zamówienia 1043?", "Czy mogę dostać numer przesyłki?",
        ),
        "returns": (
            "Chcę zwrócić zamówienie", "Jak mogę zwrócić produkt?",
            "Czy mogę wymienić na inny rozmiar?", "Kurtka nie pasuje, chcę ją odesłać",
            "Chcę zwrotu pieniędzy", "Produkt przyszedł uszkodzony, chcę go zwrócić",
            "Dostałem nie ten produkt", "Jak dostanę etykietę zwrotną?",
        ),
        "faq": (
            "Jak długo trwa dostawa?", "Ile kosztuje wysyłka?", "Czy wysyłacie do Niemiec?",
            "Jakie formy płatności akceptujecie?", "Jakie są zasady zwrotów?",
            "Jaki rozmiar powinienem wybrać?", "Czy macie zniżkę studencką?",
            "Czy mogę zapłacić BLIKiem?",
        ),
        "handoff": (
            "Chcę porozmawiać z człowiekiem", "Czy mogę rozmawiać z pracownikiem?",
            "Połącz mnie z prawdziwą osobą", "Chcę złożyć skargę",
            "Proszę do mnie zadzwonić", "Chcę rozmawiać z obsługą klienta",
        ),
    },
    "uk": {
        "order_editing": (
            "Я хочу змінити своє замовлення", "Чи можу я скасувати замовлення?",
            "Будь ласка, скасуйте замовлення 1043", "Хочу змінити розмір у замовленні",
            "Чи можете змінити адресу доставки мого замовлення?",
            "Я замовив не той колір, можна виправити?",
            "Я передумала, скасуйте замовлення", "Чи можна додати товар до замовлення?",
        ),
        "order_status": (
            "Де моє замовлення?", "Коли прийде моя посилка?",
            "Чи вже відправили моє замовлення?", "Де зараз моя посилка?",
            "Коли доставлять моє замовлення?", "Я ще не отримав замовлення",
            "Який статус замовлення 1043?", "Чи можна отримати номер відстеження?",
        ),
        "returns": (
            "Я хочу повернути замовлення", "Як повернути товар?",
            "Чи можна обміняти на інший розмір?", "Куртка не підійшла, хочу її повернути",
            "Я хочу повернення коштів", "Товар прийшов пошкодженим, хочу його повернути",
            "Мені надіслали не той товар", "Як отримати етикетку для повернення?",
        ),
        "faq": (
            "Скільки триває доставка?", "Скільки коштує доставка?",
            "Чи доставляєте ви в Україну?", "Які способи оплати ви приймаєте?",
            "Які у вас умови повернення?", "Який розмір мені обрати?",
            "Чи є знижка для студентів?", "Чи можна оплатити карткою?",
        ),
        "handoff": (
            "Я хочу поговорити з людиною", "Чи можу я поговорити з працівником?",
            "З'єднайте мене з живою людиною", "Я хочу подати скаргу",
            "Будь ласка, зателефонуйте мені", "Хочу поговорити зі службою підтримки",
        ),
    },
    "zh": {
        "order_editing": (
            "我想修改我的订单", "我可以取消订单吗?", "请取消订单1043", "我想改一下订单里的尺码",
            "可以修改我订单的收货地址吗?", "我选错了颜色,可以改吗?", "我不想要了,请取消订单",
            "可以在订单里再加一件商品吗?",
        ),
        "order_status": (
            "我的订单在哪里?", "我的包裹什么时候到?", "我的订单发货了吗?", "我的快递到哪了?",
            "订单什么时候送达?", "我还没收到我的订单", "订单1043的状态是什么?",
            "可以给我物流单号吗?",
        ),
        "returns": (
            "我想退货", "怎么退货?", "可以换一个尺码吗?", "外套不合身,我想退回去",
            "我想退款", "商品到的时候坏了,我要退货", "你们发错货了", "怎么拿到退货标签?",
        ),
        "faq": (
            "配送需要多长时间?", "运费多少钱?", "你们寄到中国吗?", "你们支持哪些付款方式?",
            "你们的退货政策是什么?", "我应该选什么尺码?", "有学生折扣吗?", "可以用支付宝付款吗?",
        ),
        "handoff": (
            "我要找人工客服", "我想和真人说话", "请帮我转人工", "我要投诉",
            "请给我打电话", "我想联系客服人员",
        ),
    },
}

NOT_A_REQUEST: dict[str, tuple[str, ...]] = {
    "da": ("Hej med dig", "Godmorgen", "Mange tak", "Tusind tak for det", "Okay, fint",
           "Ja tak", "Nej tak", "Jeg har et par spørgsmål", "Jeg skal bruge lidt hjælp",
           "Er der nogen der?", "Hvordan går det?", "Det var det hele"),
    "nb": ("Hei på deg", "God morgen", "Tusen takk", "Takk for hjelpen", "Ok, greit",
           "Ja takk", "Nei takk", "Jeg lurer på noe", "Jeg trenger litt hjelp",
           "Er det noen der?", "Hvordan går det?", "Det var alt"),
    "sv": ("Hej hej", "God morgon", "Tack så mycket", "Tack för hjälpen", "Okej, bra",
           "Ja tack", "Nej tack", "Jag undrar en sak", "Jag behöver lite hjälp",
           "Är det någon där?", "Hur mår du?", "Det var allt"),
    "de": ("Guten Morgen", "Hallo zusammen", "Vielen Dank", "Danke für die Hilfe",
           "Okay, alles klar", "Ja bitte", "Nein danke", "Ich hätte da eine Frage",
           "Ich brauche Hilfe", "Ist da jemand?", "Wie geht es dir?", "Das war alles"),
    "pl": ("Cześć", "Dzień dobry", "Wielkie dzięki", "Dzięki za pomoc", "Okej, dobrze",
           "Tak, proszę", "Nie, dziękuję", "Mam jedno pytanie", "Potrzebuję pomocy",
           "Jest tam ktoś?", "Jak się masz?", "To wszystko"),
    "uk": ("Привіт", "Добрий ранок", "Дуже дякую", "Дякую за допомогу", "Добре, зрозуміло",
           "Так, будь ласка", "Ні, дякую", "Маю одне питання", "Мені потрібна допомога",
           "Тут хтось є?", "Як справи?", "Це все"),
    "zh": ("你好", "早上好", "非常感谢", "谢谢你的帮助", "好的,明白了", "是的", "不用了,谢谢",
           "我想问一下", "我需要帮助", "有人在吗?", "你好吗?", "就这些"),
}
"""Messages in those languages that ask for nothing yet (greetings, thanks, "I have a
question"): in a language the model does not know, such a message lies about as near to
a skill's examples as a real request does, so the router weighs each skill against these
too and is unsure when they are as near (``EmbeddingRouter``'s ``unrelated``)."""

REQUEST_WORDS: tuple[str, ...] = (
    # Danish, Norwegian, Swedish
    "ordre", "order", "bestil", "beställ", "pakke", "paket", "lever", "send", "skick",
    "fragt", "frakt", "retur", "bytt", "byte", "ombyt", "annull", "afbestil", "avbestil",
    "avbry", "kansell", "ændr", "endr", "ändr", "adress", "størr", "storl", "farve", "farge",
    "färg", "betal", "pris", "rabat", "penge", "pengar", "refu", "menneske", "människa",
    "medarbejder", "ansatt", "anställd", "kundeservice", "kundservice", "kundtjänst",
    "person", "klag", "spor", "spår", "tracking", "vare", "varan", "på vej", "på väg",
    # German
    "bestell", "liefer", "versand", "versend", "verschick", "zurückschick", "zurücksend",
    "zurückgeb", "retour", "umtausch", "storn", "änder", "größe", "farbe", "bezahl", "zahl",
    "preis", "geld", "erstatt", "mensch", "mitarbeiter", "kundenservice", "kundendienst",
    "beschwer", "sendung", "artikel", "unterwegs",
    # Polish
    "zamówi", "paczk", "przesył", "dostaw", "wysył", "zwrot", "zwróc", "odesł", "wymian",
    "wymie", "anul", "zmie", "zmian", "rozmiar", "kolor", "płat", "płac", "zapłac", "zniżk",
    "pieniąd", "człowiek", "pracownik", "konsultant", "obsług", "reklamac", "skarg",
    "produkt", "w drodze",
    # Ukrainian
    "замовлен", "посилк", "достав", "відправ", "поверн", "обмін", "скасув", "змін",
    "адрес", "розмір", "колір", "оплат", "ціна", "ціни", "знижк", "гроші", "кошт", "людин",
    "працівник", "оператор", "підтримк", "скарг", "товар", "відстежен", "в дорозі",
    # Chinese
    "订单", "包裹", "快递", "物流", "发货", "寄", "送达", "配送", "运费", "退", "换", "取消",
    "修改", "地址", "尺码", "颜色", "付款", "支付", "价格", "折扣", "钱", "转人工", "客服",
    "投诉", "电话", "商品", "货", "路上",
    # in any language
    "paypal", "klarna", "mobilepay", "vipps", "swish", "blik",
)
"""Word stems (lower case; matched at the start of a word, Chinese anywhere) of what
requests in those languages are about: orders, parcels, delivery, returns, changes,
sizes, payment, money, a person."""
REQUEST = re.compile("|".join(
    re.escape(word) if "\u4e00" <= word[0] <= "\u9fff" else rf"\b{re.escape(word)}"
    for word in REQUEST_WORDS))


def mentions_a_request(text: str) -> bool:
    """Whether ``text`` names something a request is about, or an order number."""
    return (REQUEST.search(text.lower()) is not None
            or extract_order_number(text) is not None)


def not_a_request_examples(
        table: Mapping[str, tuple[str, ...]] = NOT_A_REQUEST) -> tuple[str, ...]:
    """Every language's examples of a message that asks for nothing yet."""
    return tuple(example for examples in table.values() for example in examples)


def translated_examples(skills: Iterable[Skill],
                        translated: Mapping[str, Mapping[str, tuple[str, ...]]]
                        = TRANSLATED_EXAMPLES) -> dict[str, tuple[str, ...]]:
    """The translated examples of each built-in skill among ``skills``, every language's
    together (``EmbeddingRouter``'s ``translated``)."""
    return {skill.name: tuple(example for table in translated.values()
                              for example in table.get(skill.name, ()))
            for skill in skills}
