"""The offline brain's reply templates (English), keyed by what the skill or engine means.

Every fact in a template comes from code (an order number, a rule's reason, a deadline);
a template never states a figure of its own.
"""

from __future__ import annotations

TEMPLATES: dict[str, str] = {
    # order editing
    "edit.all_allowed": "Good news: order #{number} can still be {verb} until {until}. "
                        "Use the self-service page to make the change.",
    "edit.some_allowed": "In order #{number}, {allowed} can still be {verb} until {until}. "
                         "Not everything can: {reasons}.",
    "edit.partly_shipped": "Part of order #{number} has already shipped: {shipped}. "
                           "{allowed} can still be {verb} until {until}. For the shipped items, "
                           "a return or exchange is the way to go once they arrive.",
    "edit.shipped": "Order #{number} has already shipped ({shipped}), so it can't be {verb} "
                    "any more. Here is how returns and exchanges work instead.",
    "edit.others_blocked": "The rest can't be {verb} either: {reasons}.",
    "edit.not_allowed": "Order #{number} can't be {verb} any more: {reasons}.",
    "edit.already_cancelled": "Order #{number} has already been cancelled, so there is nothing "
                              "left to change.",
    "edit.add_item": "I can't add items to an order that has already been placed. The quickest "
                     "way is to place a new order; or I can connect you with a person.",
    # finding orders
    "orders.which": "Which order do you mean?",
    "orders.not_found": "I couldn't find order #{number} on your account. Which order do you "
                        "mean?",
    "orders.none": "I can't find any orders on your account.",
    # faq
    "faq.answer": "{answer}",
    "faq.unknown": "I'm not sure about that one, and I'd rather not guess. A person from our "
                   "team can answer it.",
    # identity
    "identity.ask_contact": "To keep your orders private, I need to check it's you first. "
                            "Sign in to your account, or tell me the email address you used "
                            "for the order and I'll send you a 6-digit code.",
    "identity.ask_email": "To keep your orders private, I need to check it's you first. "
                          "What email address did you use for the order? I'll send a 6-digit "
                          "code to it.",
    "identity.code_sent": "To keep your orders private, I've sent a 6-digit code to {masked}. "
                          "Please type it here. It's valid for 10 minutes.",
    "identity.code_maybe_sent": "If {email} is on file with us, a 6-digit code is on its way "
                                "to it. Please type it here. It's valid for 10 minutes.",
    "identity.code_failed": "That code didn't work. Check the latest code we sent you, or "
                            "type \"new code\" to get another one.",
    "identity.still_needed": "I still need to check it's you before I can look at orders. "
                             "Type the 6-digit code, or \"new code\" to get another one.",
    "identity.verified": "Thanks, you're verified.",
    # engine
    "sign_off": "You're welcome! If anything else comes up, just write here.",
    "greeting": "Hi! I'm the {store} assistant. I can help with orders, returns and questions "
                "about our products and policies. What can I do for you?",
    "clarify": "I want to get this right. Which of these is closest to what you need?",
    "handoff.offer": "Would you like me to connect you with a person?",
    "handoff.notice": "I've passed this to our customer care team, and a person will reply "
                      "here {expected}. Nothing you've told me is lost.",
}

# The skills' own templates live in templates_skills.py; they are part of the English set.
from agent.brain.templates_skills import SKILL_TEMPLATES  # noqa: E402

TEMPLATES.update(SKILL_TEMPLATES)
