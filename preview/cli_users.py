"""``customer-agent users``: list console users, add one, or reset a lost password.

New passwords are generated and printed once (the owner's first password is printed by
``serve`` the same way); ``--password-stdin`` reads one instead, e.g. from a secret store.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import UTC, datetime

from agent.config import Settings
from agent.db import make_engine
from preview.passwords import WeakPassword, generate_password
from preview.sessions import SessionStore
from preview.users import Role, UserError, UserStore

SettingsOf = Callable[[argparse.Namespace], Settings]


def _stores(settings: Settings) -> tuple[UserStore, SessionStore]:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.resolved_database_url())
    return UserStore(engine), SessionStore(engine)


def _password(args: argparse.Namespace) -> tuple[str, bool]:
    """The new password and whether it was generated (and must be shown)."""
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n"), False
    return generate_password(), True


def _fail(message: str) -> int:
    print(f"customer-agent: {message}", file=sys.stderr)
    return 2


def cmd_list(args: argparse.Namespace, users: UserStore) -> int:
    """Every active console user."""
    rows = [{"email": u.email, "name": u.name, "role": u.role} for u in users.list_users()]
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    for row in rows:
        print(f"{row['role']:<6} {row['email']}  {row['name']}")
    return 0


def cmd_add(args: argparse.Namespace, users: UserStore) -> int:
    """Add a user with a role."""
    password, generated = _password(args)
    try:
        user = users.create_user(args.email, args.role, password, datetime.now(UTC),
                                 name=args.name or "")
    except (UserError, WeakPassword) as refused:
        return _fail(str(refused))
    print(f"added {user.email} ({user.role})")
    if generated:
        print(f"password: {password}  (shown only now)")
    return 0


def cmd_set_password(args: argparse.Namespace, users: UserStore,
                     sessions: SessionStore) -> int:
    """Replace a user's password and sign them out everywhere."""
    user = users.user_by_email(args.email)
    if user is None:
        return _fail(f"no console user {args.email}")
    password, generated = _password(args)
    try:
        users.set_password(user.id, password)
    except (UserError, WeakPassword) as refused:
        return _fail(str(refused))
    sessions.end_all_for(user.id)
    print(f"password of {user.email} replaced; their sessions were signed out")
    if generated:
        print(f"password: {password}  (shown only now)")
    return 0


def add_user_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser],
                      settings_of: SettingsOf) -> None:
    """Register ``customer-agent users ...``."""
    users = sub.add_parser("users", help="console users (the merchant's team)")
    users_sub = users.add_subparsers(dest="users_command", required=True)

    listing = users_sub.add_parser("list", help="list console users")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(func=lambda a: cmd_list(a, _stores(settings_of(a))[0]))

    add = users_sub.add_parser("add", help="add a console user")
    add.add_argument("email")
    add.add_argument("--role", choices=[r.value for r in Role], default=Role.STAFF.value)
    add.add_argument("--name")
    add.add_argument("--password-stdin", action="store_true",
                     help="read the password from standard input instead of generating one")
    add.set_defaults(func=lambda a: cmd_add(a, _stores(settings_of(a))[0]))

    reset = users_sub.add_parser("set-password", help="replace a user's password")
    reset.add_argument("email")
    reset.add_argument("--password-stdin", action="store_true",
                       help="read the password from standard input instead of generating one")
    reset.set_defaults(func=lambda a: cmd_set_password(a, *_stores(settings_of(a))))
