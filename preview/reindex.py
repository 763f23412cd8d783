"""Re-indexing the knowledge base in the background, with progress the page can poll.

Every stored article is embedded again from its source file (the console's copy or the
demo article), and console files not yet indexed are added. Articles whose file is not
on this machine are kept as they are and listed. One job runs at a time.
"""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from knowledge_base.documents import SUPPORTED_EXTENSIONS, slugify
from preview.content_library import ContentLibrary


@dataclass
class ReindexProgress:
    """Where the job is: ``idle``, ``running``, ``done`` or ``failed``."""

    state: str = "idle"
    total: int = 0
    done: int = 0
    current: str = ""
    kept: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    error: str = ""

    def to_json(self) -> dict[str, Any]:
        """The progress endpoint's body (with a percentage)."""
        percent = 100 if self.state == "done" else (
            int(100 * self.done / self.total) if self.total else 0)
        return {**asdict(self), "percent": percent}


class ReindexJob:
    """Runs one re-index at a time on a background thread."""

    def __init__(self, library: ContentLibrary) -> None:
        self._library = library
        self._lock = threading.Lock()
        self._progress = ReindexProgress()
        self._thread: threading.Thread | None = None

    def progress(self) -> dict[str, Any]:
        """A snapshot of the progress."""
        with self._lock:
            return self._progress.to_json()

    def start(self) -> bool:
        """Start a re-index; False when one is already running."""
        with self._lock:
            if self._progress.state == "running":
                return False
            self._progress = ReindexProgress(state="running")
            self._thread = threading.Thread(target=self._run, name="console-reindex",
                                            daemon=True)
            self._thread.start()
            return True

    def wait(self, timeout: float | None = None) -> None:
        """Block until the running job ends (tests and shutdown)."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)

    def _plan(self) -> tuple[list[Path], list[str]]:
        library = self._library
        files: list[Path] = []
        kept: list[str] = []
        indexed = set()
        for row in library.articles():
            indexed.add(row.summary.article_id)
            if row.file is None:
                kept.append(row.summary.title)
            else:
                files.append(row.file)
        if library.directory.is_dir():
            files += [p for p in sorted(library.directory.iterdir())
                      if p.suffix.lower() in SUPPORTED_EXTENSIONS
                      and slugify(p.stem) not in indexed]
        return files, kept

    def _run(self) -> None:
        runtime = self._library.runtime
        try:
            files, kept = self._plan()
            with self._lock:
                self._progress.total, self._progress.kept = len(files), kept
            for path in files:
                with self._lock:
                    self._progress.current = path.name
                report = runtime.knowledge_base.ingest([path])
                with self._lock:
                    self._progress.done += 1
                    self._progress.skipped += report.skipped
            runtime.memo.clear()
            runtime.refresh_skills()
            with self._lock:
                self._progress.state, self._progress.current = "done", ""
        except Exception as failure:  # reported to the page rather than lost in a thread
            with self._lock:
                self._progress.state, self._progress.error = "failed", str(failure)[:300]
