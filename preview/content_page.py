"""The Content page: the knowledge-base articles — list, add, edit, delete, upload
(markdown, HTML, PDF, text), re-index with progress, and a search box showing what the
agent would retrieve, with scores. Warns when a skill's policy queries find nothing.
Everyone signed in can look and search; owners and admins change content.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from preview.auth import Configurer, ConsoleError, Teammate
from preview.console import Console
from preview.content_library import MAX_UPLOAD_BYTES, ContentError, ContentLibrary
from preview.layout import flash, render_page
from preview.policy_gaps import policy_gaps
from preview.reindex import ReindexJob
from preview.trace_view import searched_passages

PAGE = "/console/content"
REINDEX_API = "/console/api/content/reindex"
MAX_QUERY_CHARS = 500


def content_router(console: Console) -> APIRouter:
    """The Content page, its forms and the re-index endpoints."""
    router = APIRouter()
    library = ContentLibrary(console.runtime, console.content_dir)
    job = ReindexJob(library)

    def refused(error: ContentError) -> ConsoleError:
        return ConsoleError(422, f"Not saved: {error}.")

    @router.get(PAGE, response_class=HTMLResponse)
    def content_page(request: Request, _user: Teammate, q: str = "") -> HTMLResponse:
        query = q.strip()[:MAX_QUERY_CHARS]
        hits: list[dict[str, Any]] = []
        if query:
            found = console.runtime.knowledge_base.search(query, k=5)
            hits = [{**row, "text": hit.text[:400]}
                    for row, hit in zip(searched_passages(found), found, strict=True)]
        return render_page(request, "content.html", {
            "articles": library.articles(), "query": query, "hits": hits,
            "floor": console.runtime.knowledge_base.score_floor,
            "gaps": policy_gaps(console.runtime), "progress": job.progress(),
            "max_upload_mb": MAX_UPLOAD_BYTES // (1024 * 1024)},
            title="Content", active="content")

    @router.post(PAGE)
    def add_article(request: Request, _user: Configurer, title: str = Form(""),
                    body: str = Form("")) -> RedirectResponse:
        try:
            row = library.create(title, body)
        except ContentError as error:
            raise refused(error) from None
        flash(request, f"Added “{row.summary.title}” ({row.summary.sections} sections).")
        return RedirectResponse(PAGE, status_code=303)

    @router.post(PAGE + "/upload")
    async def upload(request: Request, file: UploadFile, _user: Configurer) -> RedirectResponse:
        data = await file.read(MAX_UPLOAD_BYTES + 1)
        try:
            row = await run_in_threadpool(library.upload, file.filename or "", data)
        except ContentError as error:
            raise refused(error) from None
        flash(request, f"Uploaded “{row.summary.title}” ({row.summary.sections} sections).")
        return RedirectResponse(PAGE, status_code=303)

    @router.get(PAGE + "/{article_id}/edit", response_class=HTMLResponse)
    def edit_page(request: Request, article_id: str, _user: Configurer) -> HTMLResponse:
        try:
            row = library.article(article_id)
            text = library.text_of(row)
        except ContentError as error:
            raise ConsoleError(404, f"Cannot edit: {error}.") from None
        return render_page(request, "content_edit.html", {"row": row, "text": text},
                           title=f"Edit {row.summary.title}", active="content")

    @router.post(PAGE + "/{article_id}")
    def save_article(request: Request, article_id: str, _user: Configurer,
                     text: str = Form("")) -> RedirectResponse:
        try:
            row = library.update(article_id, text)
        except ContentError as error:
            raise refused(error) from None
        flash(request, f"Saved “{row.summary.title}” ({row.summary.sections} sections).")
        return RedirectResponse(PAGE, status_code=303)

    @router.post(PAGE + "/{article_id}/delete")
    def delete_article(request: Request, article_id: str, _user: Configurer) -> RedirectResponse:
        try:
            title = library.article(article_id).summary.title
            library.delete(article_id)
        except ContentError as error:
            raise ConsoleError(404, f"Not deleted: {error}.") from None
        flash(request, f"Deleted “{title}”.")
        return RedirectResponse(PAGE, status_code=303)

    @router.post(REINDEX_API)
    def start_reindex(_user: Configurer) -> JSONResponse:
        if not job.start():
            return JSONResponse(status_code=409, content={
                "error": "a re-index is already running", **job.progress()})
        return JSONResponse(status_code=202, content=job.progress())

    @router.get(REINDEX_API)
    def reindex_progress(_user: Teammate) -> JSONResponse:
        return JSONResponse(job.progress())

    return router
