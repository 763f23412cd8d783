"""The offline templates in other languages (the offline brain's ``Localiser`` uses them).

Covered: the greeting, the clarifying question, the handoff messages, every identity
message, the knowledge base's "not sure" and the menu's quick-reply labels, in Danish,
Norwegian, Polish, Ukrainian, Chinese, German and Swedish; anything else stays in English.
Placeholders are the English templates' own. "new code" stays in English inside the
translations because it is the phrase the engine recognises.
"""

from __future__ import annotations

LOCALISED: dict[str, dict[str, str]] = {
    "da": {
        "faq.unknown": "Det er jeg ikke sikker på, og jeg vil hellere ikke gætte. En "
                       "medarbejder fra vores team kan svare på det.",
        "greeting": "Hej! Jeg er assistenten hos {store}. Jeg kan hjælpe med ordrer, "
                    "returneringer og spørgsmål om vores produkter og regler. Hvad kan jeg gøre "
                    "for dig?",
        "clarify": "Jeg vil gerne have det helt rigtigt. Hvilken af disse passer bedst til det, "
                   "du har brug for?",
        "handoff.offer": "Vil du gerne have, at jeg sætter dig i forbindelse med en medarbejder?",
        "handoff.notice": "Jeg har sendt din sag videre til vores kundeservice, og en medarbejder "
                          "svarer dig her ({expected}). Intet af det, du har fortalt mig, går "
                          "tabt.",
        "handoff.notice_closed": "Jeg har sendt din sag videre til vores kundeservice. De er ikke "
                                 "online lige nu, men en medarbejder svarer dig her (forventet "
                                 "svar: {expected}). Intet af det, du har fortalt mig, går tabt.",
        "handoff.ask_email": "Hvis du går, før da, hvilken e-mailadresse kan vi svare dig på?",
        "identity.ask_contact": "For at beskytte dine ordrer skal jeg først sikre mig, at det er "
                                "dig. Log ind på din konto, eller skriv den e-mailadresse, du "
                                "brugte til ordren, så sender jeg dig en 6-cifret kode.",
        "identity.ask_email": "For at beskytte dine ordrer skal jeg først sikre mig, at det er "
                              "dig. Hvilken e-mailadresse brugte du til ordren? Jeg sender en "
                              "6-cifret kode til den.",
        "identity.code_sent": "For at beskytte dine ordrer har jeg sendt en 6-cifret kode til "
                              "{masked}. Skriv den her. Den er gyldig i 10 minutter.",
        "identity.code_maybe_sent": "Hvis {email} er registreret hos os, er en 6-cifret kode på "
                                    "vej dertil. Skriv den her. Den er gyldig i 10 minutter.",
        "identity.code_failed": "Koden virkede ikke. Tjek den seneste kode, vi har sendt dig, "
                                "eller skriv \"new code\" for at få en ny.",
        "identity.still_needed": "Jeg skal stadig sikre mig, at det er dig, før jeg kan se på "
                                 "ordrer. Skriv den 6-cifrede kode, eller \"new code\" for at få "
                                 "en ny.",
        "identity.verified": "Tak, du er nu bekræftet.",
    },
    "nb": {
        "faq.unknown": "Det er jeg ikke sikker på, og jeg vil helst ikke gjette. En fra teamet "
                       "vårt kan svare på det.",
        "greeting": "Hei! Jeg er assistenten hos {store}. Jeg kan hjelpe med bestillinger, "
                    "returer og spørsmål om produktene og retningslinjene våre. Hva kan jeg gjøre "
                    "for deg?",
        "clarify": "Jeg vil gjerne få dette riktig. Hvilket av disse passer best til det du "
                   "trenger?",
        "handoff.offer": "Vil du at jeg setter deg i kontakt med en person?",
        "handoff.notice": "Jeg har sendt dette videre til kundeservice, og en person svarer deg "
                          "her ({expected}). Ingenting av det du har fortalt meg, går tapt.",
        "handoff.notice_closed": "Jeg har sendt dette videre til kundeservice. De er ikke "
                                 "pålogget akkurat nå, men en person svarer deg her (forventet "
                                 "svar: {expected}). Ingenting av det du har fortalt meg, går "
                                 "tapt.",
        "handoff.ask_email": "Hvis du går før den tid, hvilken e-postadresse kan vi svare deg på?",
        "identity.ask_contact": "For å beskytte bestillingene dine må jeg først sjekke at det er "
                                "deg. Logg inn på kontoen din, eller oppgi e-postadressen du "
                                "brukte til bestillingen, så sender jeg deg en 6-sifret kode.",
        "identity.ask_email": "For å beskytte bestillingene dine må jeg først sjekke at det er "
                              "deg. Hvilken e-postadresse brukte du til bestillingen? Jeg sender "
                              "en 6-sifret kode dit.",
        "identity.code_sent": "For å beskytte bestillingene dine har jeg sendt en 6-sifret kode "
                              "til {masked}. Skriv den inn her. Den er gyldig i 10 minutter.",
        "identity.code_maybe_sent": "Hvis {email} er registrert hos oss, er en 6-sifret kode på "
                                    "vei dit. Skriv den inn her. Den er gyldig i 10 minutter.",
        "identity.code_failed": "Koden fungerte ikke. Sjekk den siste koden vi sendte deg, eller "
                                "skriv \"new code\" for å få en ny.",
        "identity.still_needed": "Jeg må fortsatt sjekke at det er deg før jeg kan se på "
                                 "bestillinger. Skriv inn den 6-sifrede koden, eller \"new code\" "
                                 "for å få en ny.",
        "identity.verified": "Takk, du er nå bekreftet.",
    },
    "pl": {
        "faq.unknown": "Nie jestem tego pewien i wolę nie zgadywać. Ktoś z naszego zespołu "
                       "może na to odpowiedzieć.",
        "greeting": "Cześć! Jestem asystentem sklepu {store}. Mogę pomóc w sprawie zamówień, "
                    "zwrotów oraz pytań o nasze produkty i zasady. W czym mogę pomóc?",
        "clarify": "Chcę dobrze zrozumieć. Która z tych opcji najlepiej pasuje do Twojej sprawy?",
        "handoff.offer": "Czy połączyć Cię z pracownikiem?",
        "handoff.notice": "Sprawa została przekazana naszemu zespołowi obsługi klienta; pracownik "
                          "odpowie tutaj ({expected}). Nic z naszej rozmowy nie przepadnie.",
        "handoff.notice_closed": "Sprawa została przekazana naszemu zespołowi obsługi klienta. "
                                 "Zespół jest teraz niedostępny; pracownik odpowie tutaj "
                                 "(przewidywana odpowiedź: {expected}). Nic z naszej rozmowy nie "
                                 "przepadnie.",
        "handoff.ask_email": "Jeśli wyjdziesz wcześniej, na jaki adres e-mail możemy odpowiedzieć?",
        "identity.ask_contact": "Aby chronić Twoje zamówienia, muszę najpierw sprawdzić, czy to "
                                "Ty. Zaloguj się na swoje konto albo podaj adres e-mail użyty "
                                "przy zamówieniu, a wyślę Ci 6-cyfrowy kod.",
        "identity.ask_email": "Aby chronić Twoje zamówienia, muszę najpierw sprawdzić, czy to Ty. "
                              "Jakiego adresu e-mail użyto przy zamówieniu? Wyślę na niego "
                              "6-cyfrowy kod.",
        "identity.code_sent": "Aby chronić Twoje zamówienia, 6-cyfrowy kod został wysłany na "
                              "{masked}. Wpisz go tutaj. Kod jest ważny przez 10 minut.",
        "identity.code_maybe_sent": "Jeśli adres {email} jest w naszej bazie, wysłaliśmy na niego "
                                    "6-cyfrowy kod. Wpisz go tutaj. Kod jest ważny przez 10 minut.",
        "identity.code_failed": "Ten kod nie zadziałał. Sprawdź najnowszy kod, który wysłaliśmy, "
                                "albo wpisz \"new code\", aby otrzymać nowy.",
        "identity.still_needed": "Zanim sprawdzę zamówienia, muszę się upewnić, że to Ty. Wpisz "
                                 "6-cyfrowy kod albo \"new code\", aby otrzymać nowy.",
        "identity.verified": "Dziękuję, tożsamość została potwierdzona.",
    },
    "uk": {
        "faq.unknown": "Я не впевнений у цьому і не хочу вгадувати. Хтось із нашої команди "
                       "може на це відповісти.",
        "greeting": "Вітаю! Я помічник магазину {store}. Я можу допомогти із замовленнями, "
                    "поверненнями та запитаннями про наші товари й правила. Чим можу допомогти?",
        "clarify": "Хочу все правильно зрозуміти. Що з цього найкраще відповідає вашому запиту?",
        "handoff.offer": "З'єднати вас із працівником?",
        "handoff.notice": "Ваше звернення передано нашій службі підтримки, і працівник відповість "
                          "тут ({expected}). Нічого з того, що ви розповіли, не загубиться.",
        "handoff.notice_closed": "Ваше звернення передано нашій службі підтримки. Зараз вона не "
                                 "працює; працівник відповість тут (очікувана відповідь: "
                                 "{expected}). Нічого з того, що ви розповіли, не загубиться.",
        "handoff.ask_email": "Якщо ви підете раніше, на яку адресу електронної пошти нам "
                             "відповісти?",
        "identity.ask_contact": "Щоб захистити ваші замовлення, мені спершу потрібно "
                                "переконатися, що це ви. Увійдіть у свій обліковий запис або "
                                "напишіть адресу електронної пошти, яку ви вказали під час "
                                "замовлення, і я надішлю вам 6-значний код.",
        "identity.ask_email": "Щоб захистити ваші замовлення, мені спершу потрібно переконатися, "
                              "що це ви. Яку адресу електронної пошти ви вказали під час "
                              "замовлення? Я надішлю на неї 6-значний код.",
        "identity.code_sent": "Щоб захистити ваші замовлення, ми надіслали 6-значний код на "
                              "{masked}. Введіть його тут. Код дійсний 10 хвилин.",
        "identity.code_maybe_sent": "Якщо адреса {email} є в нашій базі, на неї вже надіслано "
                                    "6-значний код. Введіть його тут. Код дійсний 10 хвилин.",
        "identity.code_failed": "Цей код не спрацював. Перевірте останній код, який ми надіслали, "
                                "або напишіть \"new code\", щоб отримати новий.",
        "identity.still_needed": "Перш ніж переглянути замовлення, мені ще потрібно переконатися, "
                                 "що це ви. Введіть 6-значний код або \"new code\", щоб отримати "
                                 "новий.",
        "identity.verified": "Дякуємо, вашу особу підтверджено.",
    },
    "zh": {
        "faq.unknown": "这个问题我不太确定,也不想乱猜。我们团队的工作人员可以为您解答。",
        "greeting": "您好！我是{store}的智能助手。我可以帮您处理订单、退换货，并解答有关我们产品和"
                    "政策的问题。请问有什么可以帮您？",
        "clarify": "我想确保理解正确。以下哪一项最符合您的需求？",
        "handoff.offer": "需要我为您转接人工客服吗？",
        "handoff.notice": "我已将您的问题转交给我们的客服团队，工作人员会在这里回复您（"
                          "{expected}）。您告诉我的内容都不会丢失。",
        "handoff.notice_closed": "我已将您的问题转交给我们的客服团队。他们目前不在线，工作人员会在"
                                 "这里回复您（预计回复时间：{expected}）。您告诉我的内容都不会丢失"
                                 "。",
        "handoff.ask_email": "如果您在此之前离开，我们可以通过哪个电子邮箱回复您？",
        "identity.ask_contact": "为保护您的订单隐私，我需要先确认您的身份。请登录您的账户，或告诉"
                                "我下单时使用的电子邮箱，我会给您发送一个6位数验证码。",
        "identity.ask_email": "为保护您的订单隐私，我需要先确认您的身份。您下单时使用的是哪个电子"
                              "邮箱？我会向该邮箱发送一个6位数验证码。",
        "identity.code_sent": "为保护您的订单隐私，我已向{masked}发送了一个6位数验证码。请在这里输"
                              "入。验证码10分钟内有效。",
        "identity.code_maybe_sent": "如果{email}是我们记录中的邮箱，6位数验证码已发送至该邮箱。请"
                                    "在这里输入。验证码10分钟内有效。",
        "identity.code_failed": "该验证码无效。请查看我们最新发送的验证码，或输入\"new code\"获取"
                                "新的验证码。",
        "identity.still_needed": "在查看订单之前，我仍需确认您的身份。请输入6位数验证码，或输入"
                                 "\"new code\"获取新的验证码。",
        "identity.verified": "谢谢，您的身份已验证。",
    },
    "de": {
        "faq.unknown": "Da bin ich mir nicht sicher, und ich möchte nicht raten. Jemand aus "
                       "unserem Team kann das beantworten.",
        "greeting": "Hallo! Ich bin der Assistent von {store}. Ich helfe bei Bestellungen, "
                    "Rücksendungen und Fragen zu unseren Produkten und Richtlinien. Was kann ich "
                    "für Sie tun?",
        "clarify": "Ich möchte das richtig verstehen. Was davon trifft Ihr Anliegen am besten?",
        "handoff.offer": "Soll ich Sie mit einem Menschen aus unserem Team verbinden?",
        "handoff.notice": "Ich habe Ihr Anliegen an unseren Kundenservice weitergegeben; jemand "
                          "aus dem Team antwortet Ihnen hier ({expected}). Nichts von dem, was "
                          "Sie mir gesagt haben, geht verloren.",
        "handoff.notice_closed": "Ich habe Ihr Anliegen an unseren Kundenservice weitergegeben. "
                                 "Das Team ist gerade nicht erreichbar; jemand antwortet Ihnen "
                                 "hier (voraussichtlich: {expected}). Nichts von dem, was Sie mir "
                                 "gesagt haben, geht verloren.",
        "handoff.ask_email": "Falls Sie vorher gehen: Unter welcher E-Mail-Adresse können wir "
                             "Ihnen antworten?",
        "identity.ask_contact": "Damit Ihre Bestellungen geschützt bleiben, muss ich zuerst "
                                "prüfen, ob Sie es sind. Melden Sie sich in Ihrem Konto an oder "
                                "nennen Sie mir die E-Mail-Adresse Ihrer Bestellung, dann schicke "
                                "ich Ihnen einen 6-stelligen Code.",
        "identity.ask_email": "Damit Ihre Bestellungen geschützt bleiben, muss ich zuerst prüfen, "
                              "ob Sie es sind. Welche E-Mail-Adresse haben Sie für die Bestellung "
                              "verwendet? Ich schicke einen 6-stelligen Code dorthin.",
        "identity.code_sent": "Damit Ihre Bestellungen geschützt bleiben, habe ich einen "
                              "6-stelligen Code an {masked} geschickt. Bitte geben Sie ihn hier "
                              "ein. Er ist 10 Minuten gültig.",
        "identity.code_maybe_sent": "Falls {email} bei uns hinterlegt ist, ist ein 6-stelliger "
                                    "Code dorthin unterwegs. Bitte geben Sie ihn hier ein. Er ist "
                                    "10 Minuten gültig.",
        "identity.code_failed": "Dieser Code hat nicht funktioniert. Prüfen Sie den zuletzt "
                                "gesendeten Code oder schreiben Sie \"new code\", um einen neuen "
                                "zu erhalten.",
        "identity.still_needed": "Bevor ich Bestellungen ansehen kann, muss ich noch prüfen, ob "
                                 "Sie es sind. Geben Sie den 6-stelligen Code ein oder \"new "
                                 "code\" für einen neuen.",
        "identity.verified": "Danke, Sie sind jetzt verifiziert.",
    },
    "sv": {
        "faq.unknown": "Det är jag inte säker på, och jag vill helst inte gissa. Någon i vårt "
                       "team kan svara på det.",
        "greeting": "Hej! Jag är assistenten hos {store}. Jag kan hjälpa till med beställningar, "
                    "returer och frågor om våra produkter och villkor. Vad kan jag hjälpa dig med?",
        "clarify": "Jag vill få det här rätt. Vilket av dessa passar bäst in på det du behöver?",
        "handoff.offer": "Vill du att jag kopplar dig till en person?",
        "handoff.notice": "Jag har skickat det här vidare till vår kundtjänst, och en person "
                          "svarar dig här ({expected}). Inget av det du har berättat går förlorat.",
        "handoff.notice_closed": "Jag har skickat det här vidare till vår kundtjänst. De är inte "
                                 "tillgängliga just nu, men en person svarar dig här (förväntat "
                                 "svar: {expected}). Inget av det du har berättat går förlorat.",
        "handoff.ask_email": "Om du går innan dess, vilken e-postadress kan vi svara dig på?",
        "identity.ask_contact": "För att skydda dina beställningar behöver jag först kontrollera "
                                "att det är du. Logga in på ditt konto, eller skriv "
                                "e-postadressen du använde för beställningen så skickar jag en "
                                "6-siffrig kod till dig.",
        "identity.ask_email": "För att skydda dina beställningar behöver jag först kontrollera "
                              "att det är du. Vilken e-postadress använde du för beställningen? "
                              "Jag skickar en 6-siffrig kod dit.",
        "identity.code_sent": "För att skydda dina beställningar har jag skickat en 6-siffrig kod "
                              "till {masked}. Skriv in den här. Den gäller i 10 minuter.",
        "identity.code_maybe_sent": "Om {email} finns registrerad hos oss är en 6-siffrig kod på "
                                    "väg dit. Skriv in den här. Den gäller i 10 minuter.",
        "identity.code_failed": "Koden fungerade inte. Kontrollera den senaste koden vi skickade, "
                                "eller skriv \"new code\" för att få en ny.",
        "identity.still_needed": "Jag behöver fortfarande kontrollera att det är du innan jag kan "
                                 "titta på beställningar. Skriv den 6-siffriga koden, eller \"new "
                                 "code\" för att få en ny.",
        "identity.verified": "Tack, du är nu verifierad.",
    },
}

LOCALISED_LABELS: dict[str, dict[str, str]] = {
    "da": {
        "Change or cancel an order": "Ændr eller annuller en ordre",
        "Where is my order?": "Hvor er min ordre?",
        "Return or exchange": "Retur eller ombytning",
        "A question about products or policies": "Et spørgsmål om produkter eller regler",
        "Talk to a person": "Tal med en medarbejder",
    },
    "nb": {
        "Change or cancel an order": "Endre eller kansellere en ordre",
        "Where is my order?": "Hvor er bestillingen min?",
        "Return or exchange": "Retur eller bytte",
        "A question about products or policies": "Et spørsmål om produkter eller regler",
        "Talk to a person": "Snakk med en ansatt",
    },
    "pl": {
        "Change or cancel an order": "Zmień lub anuluj zamówienie",
        "Where is my order?": "Gdzie jest moje zamówienie?",
        "Return or exchange": "Zwrot lub wymiana",
        "A question about products or policies": "Pytanie o produkty lub zasady",
        "Talk to a person": "Porozmawiaj z konsultantem",
    },
    "uk": {
        "Change or cancel an order": "Змінити або скасувати замовлення",
        "Where is my order?": "Де моє замовлення?",
        "Return or exchange": "Повернення або обмін",
        "A question about products or policies": "Питання про товари чи правила",
        "Talk to a person": "Поговорити з людиною",
    },
    "zh": {
        "Change or cancel an order": "修改或取消订单",
        "Where is my order?": "我的订单在哪里?",
        "Return or exchange": "退货或换货",
        "A question about products or policies": "关于商品或政策的问题",
        "Talk to a person": "联系人工客服",
    },
    "de": {
        "Change or cancel an order": "Bestellung ändern oder stornieren",
        "Where is my order?": "Wo ist meine Bestellung?",
        "Return or exchange": "Rücksendung oder Umtausch",
        "A question about products or policies": "Eine Frage zu Produkten oder Richtlinien",
        "Talk to a person": "Mit einem Menschen sprechen",
    },
    "sv": {
        "Change or cancel an order": "Ändra eller avbryt en beställning",
        "Where is my order?": "Var är min beställning?",
        "Return or exchange": "Retur eller byte",
        "A question about products or policies": "En fråga om produkter eller villkor",
        "Talk to a person": "Prata med en människa",
    },
}
"""Quick-reply labels in each language (the value a chip sends back stays the English one
the engine recognises)."""
