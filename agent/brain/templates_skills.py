"""English templates added by the skills beyond the first release; merged into TEMPLATES.

Kept apart from ``templates.py`` so the skills and the brain's own templates (greeting,
verification, handoff, their translations) can grow without stepping on each other.
"""

from __future__ import annotations

SKILL_TEMPLATES: dict[str, str] = {}
