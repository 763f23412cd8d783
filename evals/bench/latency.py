"""In-process turn latency per skill: the whole graph (``runtime.turns.handle`` on a fresh
conversation) against its baseline, the skill called directly with a ``SkillContext``
built the way ``agent.nodes.run_skill`` builds it (what the graph adds: storing the
message, intake, understanding, routing, wording, rendering, checkpoints, the reply row).
"""

from __future__ import annotations

import time
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from agent.commerce.source import CustomerOrders
from agent.runtime import Runtime
from evals.bench.environment import elapsed_ms, inbound, storefront_token
from evals.bench.figures import Figure, Target
from evals.bench.stats import latency_percentiles
from evals.bench.workload import LANGUAGE_WARM_UP, SKILL_UTTERANCES, TurnSpec, interleaved
from skills.base import Request, SkillContext
from skills.parts import Channel

SKILLS = tuple(SKILL_UTTERANCES)
TURN_TARGETS = {"p50": Target(30.0), "p95": Target(100.0)}
"""Issue #9: turn p50 <= 30 ms and p95 <= 100 ms in-process (2 cores, offline brain)."""

Samples = dict[str, list[float]]
"""Skill -> latencies in ms; ``"all"`` holds every skill's."""


def time_turns(runtime: Runtime, specs: Sequence[TurnSpec]) -> tuple[Samples, list[str]]:
    """Each spec as the first turn of a fresh conversation; latencies per intended skill,
    and a note for every turn the agent routed to another skill than intended."""
    samples: Samples = defaultdict(list)
    misrouted = []
    for spec in specs:
        message = inbound(spec, f"bench-{uuid.uuid4().hex[:12]}",
                          storefront_token(runtime, spec.signed_in_email))
        started = time.perf_counter()
        result = runtime.turns.handle(message)
        took = elapsed_ms(started)
        samples[spec.skill].append(took)
        samples["all"].append(took)
        if result.skill != spec.skill:
            misrouted.append(f"{spec.text!r} went to {result.skill}")
    return samples, misrouted


def time_skills_directly(runtime: Runtime, specs: Sequence[TurnSpec]) -> Samples:
    """Each spec's skill run directly (understanding done beforehand, not timed)."""
    services = runtime.services
    samples: Samples = defaultdict(list)
    for spec in specs:
        skill = services.skills.get(spec.skill)
        if skill is None:
            raise ValueError(f"no skill {spec.skill}")
        understanding = services.brain.understand(spec.text, services.skills.names())
        customer = (services.source.customer_by_email(spec.signed_in_email)
                    if spec.signed_in_email else None)
        context = SkillContext(
            request=Request(spec.text, understanding.entities.order_number,
                            understanding.entities.change),
            channel=Channel.WEBCHAT, settings=services.settings, policy=services.policy,
            now=services.clock.now(), knowledge=services.knowledge, phrasing=services.brain,
            products=services.source.products,
            orders=CustomerOrders(services.source, customer.id) if customer else None)
        started = time.perf_counter()
        skill.run(context)
        took = elapsed_ms(started)
        samples[spec.skill].append(took)
        samples["all"].append(took)
    return samples


def percentile_figures(prefix: str, samples: Samples, baselines: Samples, baseline_of: str,
                       targets: dict[str, Target] | None = None) -> list[Figure]:
    """p50/p95/p99 figures per skill (and ``all``), each against the same percentile of
    the baseline samples of that skill."""
    figures = []
    for skill in (*SKILLS, "all"):
        if not samples.get(skill):
            continue
        values = latency_percentiles(samples[skill])
        base = latency_percentiles(baselines.get(skill, []))
        for name, value in values.items():
            figures.append(Figure(
                f"{prefix}.{skill}.{name}", value, "ms", base[name], baseline_of,
                (targets or {}).get(name), note=f"n={len(samples[skill])}"))
    return figures


@dataclass
class InProcess:
    """The in-process figures, their samples (the HTTP figures' baseline), the CPU time
    a turn takes in this process, and notes."""

    figures: list[Figure]
    samples: Samples
    cpu_ms_per_turn: float
    notes: list[str]


def in_process_latency(runtime: Runtime, samples_per_skill: int,
                       warmup_per_skill: int) -> InProcess:
    """Warm up, then time the graph per skill against the skill called directly."""
    time_turns(runtime, [LANGUAGE_WARM_UP, *interleaved(SKILLS, warmup_per_skill)])
    cpu_started = time.process_time()
    measured, misrouted = time_turns(
        runtime, interleaved(SKILLS, samples_per_skill, first=warmup_per_skill))
    cpu_ms = (time.process_time() - cpu_started) * 1000 / len(measured["all"])
    direct = time_skills_directly(runtime, interleaved(
        SKILLS, samples_per_skill, first=warmup_per_skill + samples_per_skill))
    figures = percentile_figures("turn.in_process", measured, direct,
                                 "the skill called directly (skill.run)", TURN_TARGETS)
    notes = [f"in-process: {len(misrouted)} of {len(measured['all'])} turns went to another "
             f"skill than intended, e.g. {misrouted[:3]}"] if misrouted else []
    return InProcess(figures, measured, round(cpu_ms, 2), notes)
