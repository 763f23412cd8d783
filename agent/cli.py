"""The ``customer-agent`` command: serve, chat, say, demo, skills, kb, outbox.

Wiring only: each sub-command builds what it needs from Settings and calls the engine.
"""

from __future__ import annotations

import argparse
import json
import sys
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from agent.brain.base import LlmNotConfigured
from agent.cli_bench import add_bench_commands
from agent.cli_conversations import add_conversation_commands
from agent.cli_eval import add_eval_commands
from agent.commerce.source import OrderSourceUnavailable
from agent.config import Settings
from agent.db import schema_lock
from agent.runtime import Runtime, build_runtime, make_clock
from agent.turns import InboundMessage, TurnResult
from knowledge_base.embedder import Embedder
from preview.cli_users import add_user_commands
from skills.parts import Channel

if TYPE_CHECKING:
    from fastapi import FastAPI

CHANNELS = [c.value for c in Channel]
BRAINS = ["offline", "llm"]


def _settings(args: argparse.Namespace) -> Settings:
    settings = Settings()
    if getattr(args, "data_dir", None):
        settings = settings.model_copy(update={"data_dir": Path(args.data_dir)})
    if getattr(args, "database_url", None):
        settings = settings.model_copy(update={"database_url": args.database_url})
    if getattr(args, "brain", None):
        settings = settings.model_copy(update={"brain": args.brain})
    return settings


def _print_json(data: Any) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def _fail(message: str) -> int:
    print(f"customer-agent: {message}", file=sys.stderr)
    return 2


def _storefront_token(runtime: Runtime, email: str) -> str | None:
    customer = runtime.services.source.customer_by_email(email)
    if customer is None:
        return None
    return runtime.services.tokens.issue(customer.id, runtime.services.clock.now())


def take_turn(runtime: Runtime, conversation_id: str, channel: str, text: str,
              claimed_email: str | None, token: str | None) -> TurnResult:
    """One turn through the engine, as the CLI takes it."""
    return runtime.turns.handle(InboundMessage(
        conversation_id=conversation_id, channel=Channel(channel), text=text,
        claimed_email=claimed_email, storefront_token=token))


def cmd_say(args: argparse.Namespace) -> int:
    """One turn; prints the rendered reply, or the TurnResult with --json."""
    from channels.terminal import to_terminal

    runtime = build_runtime(_settings(args))
    token = None
    if args.verified:
        token = _storefront_token(runtime, args.verified)
        if token is None:
            return _fail(f"no customer on file with email {args.verified}")
    try:
        result = take_turn(runtime, args.conversation, args.channel, args.text,
                           args.as_email, token)
    except ValidationError as exc:
        return _fail(f"invalid turn: {exc.errors()[0]['msg']}")
    if args.json:
        _print_json(result.model_dump(mode="json"))
    else:
        print(to_terminal(result.rendered.payload) or "(no reply: a person owns this thread)")
    return 0


def _typed_lines() -> Iterator[str]:
    if not sys.stdin.isatty():
        yield from sys.stdin
        return
    while True:
        try:
            yield input("you> ")
        except EOFError:
            return


def cmd_chat(args: argparse.Namespace) -> int:
    """An interactive conversation in the terminal."""
    from channels.terminal import to_terminal

    runtime = build_runtime(_settings(args))
    conversation_id = args.conversation or f"cli-{uuid.uuid4().hex[:8]}"
    print(f"Chatting on {args.channel} as {args.as_email or 'an anonymous shopper'} "
          f"(conversation {conversation_id}). Ctrl-D to leave.")
    for line in _typed_lines():
        text = line.strip()
        if not text:
            continue
        result = take_turn(runtime, conversation_id, args.channel, text, args.as_email, None)
        print(to_terminal(result.rendered.payload) or "(a person will answer here)")
        print()
    return 0


def served_app(settings: Settings, embedder: Embedder | None = None) -> FastAPI:
    """The server's application over a new runtime, built under the schema lock (other
    processes, workers or hosts, may be starting on the same database)."""
    from agent.app import create_app

    with schema_lock(settings.resolved_database_url()):
        return create_app(build_runtime(settings, embedder=embedder))


def served_settings(settings: Settings, host: str, port: int) -> Settings:
    """The settings of a server on ``host:port``: unless ``PUBLIC_BASE_URL`` is set, the
    links it sends and the console address it prints follow the port it listens on."""
    if "public_base_url" in settings.model_fields_set:
        return settings
    shown_host = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    if ":" in shown_host:
        shown_host = f"[{shown_host}]"
    return settings.model_copy(update={"public_base_url": f"http://{shown_host}:{port}"})


def serve_workers(settings: Settings, host: str, port: int, count: int) -> int:
    """``count`` workers forked from this process once it has loaded the model and the
    language detector's models, which they then share (``agent.forked_workers``)."""
    import uvicorn

    from agent.app import create_app
    from agent.brain.language import load_detector_models
    from agent.forked_workers import (
        STARTUP_FAILURE,
        Supervisor,
        freeze_for_sharing,
        listening_socket,
        run_once,
    )
    from knowledge_base.embedder import default_model_path
    from knowledge_base.onnx_export import ensure_exported

    try:
        server_socket = listening_socket(host, port)
    except OSError as error:
        return _fail(f"cannot listen on {host}:{port}: {error.strerror}")

    def export_model() -> int:
        """A first run exports the model with torch: in a process of its own, so torch
        and its threads are not in the process the workers are forked from."""
        ensure_exported(default_model_path())
        return 0

    if run_once(export_model):
        return _fail("exporting the embedding model failed")
    embedder = Embedder()
    load_detector_models()

    def prepare() -> int:
        """Every table, the console's first owner (its password printed once) and the
        demo knowledge base, before any worker starts."""
        with schema_lock(settings.resolved_database_url()):
            runtime = build_runtime(settings, embedder=embedder)
            create_app(runtime)
            runtime.close()
        return 0

    def serve() -> int:
        try:
            app = served_app(settings, embedder)
        except Exception:  # reported; the supervisor decides whether to try again
            import traceback

            traceback.print_exc()
            return STARTUP_FAILURE
        server = uvicorn.Server(uvicorn.Config(app, log_level="info"))
        server.run(sockets=[server_socket])
        return 0 if server.started else STARTUP_FAILURE

    if run_once(prepare):
        return _fail(f"preparing the data in {settings.data_dir} failed")
    freeze_for_sharing()
    print(f"customer-agent serving on http://{host}:{port} (data in {settings.data_dir}, "
          f"{count} workers)", flush=True)
    return Supervisor(count, serve).run()


def cmd_serve(args: argparse.Namespace) -> int:
    """Start the HTTP server."""
    import uvicorn

    settings = _settings(args)
    host, port = args.host or settings.host, args.port or settings.port
    settings = served_settings(settings, host, port)
    if args.workers > 1:
        return serve_workers(settings, host, port, args.workers)
    app = served_app(settings)
    print(f"customer-agent serving on http://{host}:{port} (data in {settings.data_dir}, "
          "1 worker)")
    uvicorn.run(app, host=host, port=port, log_level="info")
    return 0


def cmd_demo_orders(args: argparse.Namespace) -> int:
    """The demo customers and their orders."""
    from agent.commerce.demo import DemoStore, demo_orders_json

    data = demo_orders_json(DemoStore(anchor=make_clock(_settings(args)).now()))
    if args.json:
        _print_json(data)
        return 0
    for customer in data["customers"]:
        print(f"{customer['name']} <{customer['email']}> {customer['phone'] or ''}")
        for order in customer["orders"]:
            print(f"  #{order['number']}  {order['placed_at'][:16]}  {order['status']}")
    return 0


def cmd_skills(args: argparse.Namespace) -> int:
    """Each skill: Live or Unavailable, and why."""
    runtime = build_runtime(_settings(args))
    statuses = runtime.services.skills.statuses()
    if args.json:
        _print_json([s.to_json() for s in statuses])
        return 0
    for status in statuses:
        state = "live" if status.live else f"unavailable: {'; '.join(status.unmet)}"
        print(f"{status.name:<15} {state}")
    return 0


def cmd_kb_ingest(args: argparse.Namespace) -> int:
    """Add articles (files or folders) to the knowledge base."""
    runtime = build_runtime(_settings(args), ingest_demo=False)
    missing = [p for p in args.paths if not Path(p).exists()]
    if missing:
        return _fail(f"no such file or folder: {', '.join(missing)}")
    report = runtime.ingest([Path(p) for p in args.paths])
    print(f"ingested {report.articles} articles, {report.sections} sections"
          + (f"; skipped: {', '.join(report.skipped)}" if report.skipped else ""))
    return 0


def cmd_kb_search(args: argparse.Namespace) -> int:
    """What the agent would retrieve for a query."""
    runtime = build_runtime(_settings(args))
    hits = runtime.knowledge_base.search(args.query, k=args.k)
    rows = [{"article": h.article, "heading": h.heading, "score": round(h.score, 4),
             "source": h.source, "section_id": h.section_id, "text": h.text} for h in hits]
    if args.json:
        _print_json({"query": args.query, "hits": rows})
        return 0
    if not rows:
        print("no section above the score floor")
    for row in rows:
        print(f"{row['score']:.3f}  {row['article']} › {row['heading']}")
    return 0


def cmd_outbox(args: argparse.Namespace) -> int:
    """Everything sent, with its delivery state (held: no provider configured)."""
    from agent.conversations import ConversationStore
    from agent.db import make_engine

    settings = _settings(args)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    store = ConversationStore(make_engine(settings.resolved_database_url()))
    rows: list[dict[str, Any]] = [
        {"id": m.id, "conversation_id": m.conversation_id, "channel": m.channel,
         "to": m.recipient, "kind": m.kind, "subject": m.subject, "body": m.body,
         "state": m.state, "attempts": m.attempts, "last_error": m.last_error,
         "created_at": m.created_at.isoformat()} for m in store.outbox()]
    if args.json:
        _print_json(rows)
        return 0
    for row in rows:
        print(f"[{row['created_at'][:19]}] {row['channel']} to {row['to']} ({row['kind']}, "
              f"{row['state']}): {row['body']}")
    return 0


def cmd_doctor(args: argparse.Namespace) -> int:
    """Check the shop connection, API version, access scopes and self-service links."""
    from agent.doctor import doctor_exit_code, findings_json, format_findings, run_doctor

    findings = run_doctor(_settings(args))
    if args.json:
        _print_json(findings_json(findings))
    else:
        print(format_findings(findings))
    return doctor_exit_code(findings)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every sub-command."""
    parser = argparse.ArgumentParser(prog="customer-agent", description=__doc__)
    parser.add_argument("--data-dir", help="data directory (default ./data)")
    parser.add_argument("--database-url",
                        help="conversation database (default SQLite in the data directory; "
                             "env DATABASE_URL)")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run the HTTP server")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--workers", type=int, default=1, choices=range(1, 65),
                       metavar="N", help="worker processes (state is shared in the database)")
    serve.set_defaults(func=cmd_serve)

    chat = sub.add_parser("chat", help="talk to the agent in the terminal")
    chat.add_argument("--channel", choices=CHANNELS, default="webchat")
    chat.add_argument("--as", dest="as_email", metavar="EMAIL")
    chat.add_argument("--conversation")
    chat.add_argument("--brain", choices=BRAINS, help="offline (default) or llm")
    chat.set_defaults(func=cmd_chat)

    say = sub.add_parser("say", help="take one turn")
    say.add_argument("--conversation", required=True)
    say.add_argument("--channel", choices=CHANNELS, default="webchat")
    say.add_argument("--as", dest="as_email", metavar="EMAIL")
    say.add_argument("--verified", metavar="EMAIL")
    say.add_argument("--json", action="store_true")
    say.add_argument("--brain", choices=BRAINS, help="offline (default) or llm")
    say.add_argument("text")
    say.set_defaults(func=cmd_say)

    demo = sub.add_parser("demo", help="the demo store")
    demo_sub = demo.add_subparsers(dest="demo_command", required=True)
    orders = demo_sub.add_parser("orders", help="demo customers and orders")
    orders.add_argument("--json", action="store_true")
    orders.set_defaults(func=cmd_demo_orders)

    skills = sub.add_parser("skills", help="skills and their status")
    skills.add_argument("--json", action="store_true")
    skills.set_defaults(func=cmd_skills)

    kb = sub.add_parser("kb", help="the knowledge base")
    kb_sub = kb.add_subparsers(dest="kb_command", required=True)
    ingest = kb_sub.add_parser("ingest", help="add articles")
    ingest.add_argument("paths", nargs="+")
    ingest.set_defaults(func=cmd_kb_ingest)
    search = kb_sub.add_parser("search", help="search the knowledge base")
    search.add_argument("query")
    search.add_argument("-k", type=int, default=5)
    search.add_argument("--json", action="store_true")
    search.set_defaults(func=cmd_kb_search)

    add_conversation_commands(sub, _settings)
    add_eval_commands(sub)
    add_bench_commands(sub)
    add_user_commands(sub, _settings)

    doctor = sub.add_parser("doctor", help="check the shop connection and configuration")
    doctor.add_argument("--json", action="store_true")
    doctor.set_defaults(func=cmd_doctor)

    outbox = sub.add_parser("outbox", help="messages sent in the embedded default")
    outbox.add_argument("--json", action="store_true")
    outbox.set_defaults(func=cmd_outbox)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except (LlmNotConfigured, OrderSourceUnavailable) as exc:
        return _fail(str(exc))


if __name__ == "__main__":
    raise SystemExit(main())
