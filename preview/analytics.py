"""The analytics page and its CSV: how the agent and the team did over a date range.

``GET /console/analytics?start=YYYY-MM-DD&end=YYYY-MM-DD`` (whole days in the store's
time zone; the last 30 days by default) and ``GET /console/analytics.csv`` with the same
range. Every signed-in role may look; the numbers come from ``agent.analytics``, the
charts are SVG drawn here on the server.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from agent.analytics import Report, build_report
from agent.analytics_csv import report_csv
from agent.analytics_data import DateRange, InvalidRange, load_conversations
from preview.auth import ConsoleError
from preview.charts import bar_chart, daily_chart, percent
from preview.console import Console
from preview.inbox_context import Teammate
from preview.layout import render_page

DEFAULT_DAYS = 30
DateParam = Annotated[str, Query(max_length=10)]


def analytics_router(console: Console) -> APIRouter:
    """The analytics page and CSV download."""
    router = APIRouter()
    settings = console.runtime.settings

    def report_for(start: str, end: str) -> Report:
        if start or end:
            try:
                period = DateRange.parse(start or end, end or start, settings.store_timezone)
            except InvalidRange as bad:
                raise ConsoleError(400, str(bad)) from None
        else:
            period = DateRange.last_days(DEFAULT_DAYS, console.now(), settings.store_timezone)
        conversations = load_conversations(console.runtime.services.store, period)
        return build_report(conversations, period, settings.response_time_target_minutes)

    @router.get("/console/analytics", response_class=HTMLResponse)
    def analytics(request: Request, user: Teammate, start: DateParam = "",
                  end: DateParam = "") -> HTMLResponse:
        report = report_for(start, end)
        charts = {
            "daily": daily_chart("Conversations per day (darker: handed off)", report.daily),
            "reasons": bar_chart("Handoff reasons", report.reasons),
            "topics": bar_chart("Topics", report.topics),
            "channels": bar_chart("Conversations per channel",
                                  [(c.name, c.conversations) for c in report.channels]),
            "skills": bar_chart("Agent replies per skill",
                                [(s.name, s.turns) for s in report.skills]),
        }
        return render_page(request, "analytics.html", {
            "report": report, "charts": charts, "percent": percent,
            "csv_url": f"/console/analytics.csv?start={report.period.start.isoformat()}"
                       f"&end={report.period.end.isoformat()}"},
            title="Analytics", active="analytics")

    @router.get("/console/analytics.csv")
    def analytics_csv(user: Teammate, start: DateParam = "", end: DateParam = "") -> Response:
        report = report_for(start, end)
        name = f"analytics-{report.period.start.isoformat()}-{report.period.end.isoformat()}.csv"
        return Response(report_csv(report), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}"',
                                 "Cache-Control": "no-store"})

    return router
