"""The first owner: created when the console starts on a database without any user.

The password comes from ``CUSTOMER_AGENT_CONSOLE_OWNER_PASSWORD`` when set; otherwise one
is generated and announced once (on the server's start-up output) — it is never stored
in clear or shown again. ``customer-agent users set-password`` resets it if it is lost.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from agent.config import Settings
from preview.passwords import WeakPassword, generate_password
from preview.users import Role, UserError, UserStore

OWNER_PASSWORD_ENV = "CUSTOMER_AGENT_CONSOLE_OWNER_PASSWORD"


class OwnerPasswordRejected(ValueError):
    """The owner password given in the environment is not acceptable."""


def ensure_owner(users: UserStore, settings: Settings, now: datetime,
                 announce: Callable[[str], None]) -> bool:
    """Create the first owner if there is no user yet; True when one was created."""
    if users.count():
        return False
    from_environment = settings.console_owner_password
    password = from_environment or generate_password()
    try:
        users.create_user(settings.console_owner_email, Role.OWNER.value, password, now,
                          name="Owner")
    except WeakPassword as weak:
        raise OwnerPasswordRejected(f"{OWNER_PASSWORD_ENV}: {weak}") from None
    except UserError:
        if users.count():
            return False  # another worker created it first
        raise
    if from_environment:
        announce(f"Console owner {settings.console_owner_email} created with the password "
                 f"from {OWNER_PASSWORD_ENV}.")
    else:
        announce(f"Console owner created: {settings.console_owner_email} / {password}\n"
                 "This password is shown only now. Sign in at "
                 f"{settings.public_base_url.rstrip('/')}/console/login and change it "
                 "on the Team page.")
    return True
