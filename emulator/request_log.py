"""In-memory (and optionally on-disk JSON-lines) log of the AWS API requests the emulator served.

One record per AWS API request::

    {"seq": 1, "ts": 1764025200.12, "service": "ec2", "action": "CreateVpc", "kind": "write",
     "status": 200, "method": "POST", "path": "/", "duration_ms": 4.2}

``seq`` starts at 1 and restarts at 1 after :meth:`RequestLog.clear` (which ``/_stacksmith/reset`` calls). The
JSON-lines file, when configured, is append-only: it keeps the history across resets, so a ``seq`` of 1 in the
file marks the start of a new run.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any


class RequestLog:
    """Thread-safe append-only request log."""

    def __init__(self, path: str | Path | None = None) -> None:
        self._lock = threading.Lock()
        self._records: list[dict[str, Any]] = []
        self._seq = 0
        self.path = Path(path) if path else None
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)

    def append(self, record: dict[str, Any]) -> dict[str, Any]:
        """Give ``record`` the next ``seq``, store it, write it to the file if any; return the stored record."""
        with self._lock:
            self._seq += 1
            stored = {"seq": self._seq, **{k: v for k, v in record.items() if k != "seq"}}
            self._records.append(stored)
            if self.path is not None:
                with self.path.open("a", encoding="utf-8") as handle:
                    handle.write(json.dumps(stored, sort_keys=False) + "\n")
            return dict(stored)

    def since(self, seq: int = 0) -> list[dict[str, Any]]:
        """Records with ``seq`` greater than ``seq`` (all of them for 0), oldest first."""
        with self._lock:
            return [dict(r) for r in self._records if r["seq"] > seq]

    def last_seq(self) -> int:
        with self._lock:
            return self._seq

    def clear(self) -> None:
        """Forget every record; the next one gets ``seq`` 1. The file, if any, is left as history."""
        with self._lock:
            self._records.clear()
            self._seq = 0

    def __len__(self) -> int:
        with self._lock:
            return len(self._records)
