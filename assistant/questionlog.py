"""The record of questions and feedback: what was asked, how it was answered, and 👍/👎 with comments.

Kept in SQLite (``<data dir>/logs/questions.sqlite``) for a retention period (ASSISTANT_QUESTION_LOG_DAYS,
180 days by default; 0 keeps no record). Nothing personal is stored but a salted hash of the user or
session (the salt is made once per data directory and never leaves it); the question text itself is kept,
since it is what a bureau needs to read.

Usage::

    log = QuestionLog.open(settings)                        # None when the retention period is 0
    ref = log.record("web", session_id, "动火作业要注意什么？", answer)
    log.rate(ref, session_id, -1, "没有提到动火审批")         # 👎 with a comment
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from assistant.answer import Answer
from assistant.settings import Settings

LOG_DIR = "logs"
DATABASE = "questions.sqlite"
SALT_FILE = "salt"
DAY_S = 86_400
PURGE_EVERY_S = 3_600  # retention is enforced on opening and at most this often while recording
MAX_COMMENT_CHARS = 500
MAX_ANSWER_CHARS = 4_000
RATINGS = (1, -1)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS questions (
    ref TEXT PRIMARY KEY,          -- random, public: what a client sends back with its feedback
    asked_at REAL NOT NULL,        -- unix time
    channel TEXT NOT NULL,         -- web, api, bot, …
    who TEXT NOT NULL,             -- salted hash of the user or session
    question TEXT NOT NULL,
    intent TEXT NOT NULL,
    supported INTEGER NOT NULL,    -- 0: refused (no basis found)
    verdict TEXT,                  -- yes, no or NULL
    citations TEXT NOT NULL,       -- JSON list of citation strings, in the answer's order
    answer TEXT NOT NULL,
    build TEXT                     -- the index build that answered
);
CREATE INDEX IF NOT EXISTS questions_asked_at ON questions (asked_at);
CREATE TABLE IF NOT EXISTS feedback (
    ref TEXT NOT NULL REFERENCES questions (ref) ON DELETE CASCADE,
    who TEXT NOT NULL,
    rated_at REAL NOT NULL,
    rating INTEGER NOT NULL,       -- 1 👍, -1 👎
    comment TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (ref, who)         -- one rating per person and answer; rating again replaces it
);
"""


class QuestionLog:
    """Questions, answers and ratings in SQLite, safe to share between threads and processes."""

    def __init__(self, path: Path, salt: str, retention_days: int, clock: Any = time.time) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.retention_days = retention_days
        self._salt = salt
        self._clock = clock
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA foreign_keys=ON")
        with self._db:
            self._db.executescript(_SCHEMA)
        self._purged_at = 0.0
        self.purge()

    @classmethod
    def open(cls, settings: Settings) -> QuestionLog | None:
        """The data directory's log, or None when the retention period is 0 (no record kept)."""
        if settings.question_log_days <= 0:
            return None
        directory = settings.data_dir / LOG_DIR
        directory.mkdir(parents=True, exist_ok=True)
        return cls(directory / DATABASE, _salt(directory / SALT_FILE), settings.question_log_days)

    def now(self) -> float:
        """The log's clock (unix time)."""
        return self._clock()

    def pseudonym(self, channel: str, who: str) -> str:
        """The salted hash that stands for a user or session of a channel."""
        return hashlib.sha256(f"{self._salt}\0{channel}\0{who}".encode()).hexdigest()[:20]

    def record(self, channel: str, who: str, question: str, answer: Answer, build: str | None = None) -> str:
        """Store one answered question; returns its public reference (for feedback)."""
        ref = secrets.token_hex(8)
        row = (
            ref,
            self._clock(),
            channel,
            self.pseudonym(channel, who),
            question,
            answer.intent,
            int(answer.supported),
            answer.verdict,
            json.dumps([c.citation for c in answer.citations], ensure_ascii=False),
            answer.answer[:MAX_ANSWER_CHARS],
            build,
        )
        with self._write() as db:
            db.execute("INSERT INTO questions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", row)
        if self._clock() - self._purged_at > PURGE_EVERY_S:
            self.purge()
        return ref

    def rate(self, ref: str, channel: str, who: str, rating: int, comment: str = "") -> bool:
        """A 👍 (1) or 👎 (-1) with an optional comment on an answer; False when the answer is unknown
        (expired or never recorded). Rating again replaces the earlier rating and keeps its comment
        unless a new one is given."""
        if rating not in RATINGS:
            raise ValueError(f"rating must be one of {RATINGS}")
        comment = " ".join(comment.split())[:MAX_COMMENT_CHARS]
        with self._write() as db:
            if db.execute("SELECT 1 FROM questions WHERE ref = ?", (ref,)).fetchone() is None:
                return False
            db.execute(
                "INSERT INTO feedback VALUES (?, ?, ?, ?, ?) ON CONFLICT (ref, who) DO UPDATE SET "
                "rated_at = excluded.rated_at, rating = excluded.rating, "
                "comment = CASE WHEN excluded.comment = '' THEN feedback.comment ELSE excluded.comment END",
                (ref, self.pseudonym(channel, who), self._clock(), rating, comment),
            )
        return True

    def purge(self) -> int:
        """Delete what is older than the retention period (feedback with its question); rows deleted."""
        cutoff = self._clock() - self.retention_days * DAY_S
        with self._write() as db:
            deleted = db.execute("DELETE FROM questions WHERE asked_at < ?", (cutoff,)).rowcount
        self._purged_at = self._clock()
        return deleted

    def query(self, sql: str, parameters: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """Rows of a read-only query (the report's)."""
        with self._lock:
            return self._db.execute(sql, parameters).fetchall()

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with self._lock, self._db:
            yield self._db


def _salt(path: Path) -> str:
    """The data directory's salt, made on first use (readable by its owner only; created whole, so that
    processes starting together agree on it)."""
    if not path.exists():
        temporary = path.with_name(f".{path.name}.{os.getpid()}")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(secrets.token_hex(32))
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass  # another process made it first
        finally:
            temporary.unlink()
    return path.read_text(encoding="ascii").strip()
