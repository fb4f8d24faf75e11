"""The grammar pass's per-paragraph cache of LanguageTool matches: in memory (bounded LRU) or
in Redis (with a time to live), keyed by LanguageTool version, settings and paragraph hash."""
from __future__ import annotations

import json
import threading
from collections import OrderedDict
from typing import Any, Protocol


class ParagraphCache(Protocol):
    """LanguageTool's matches for one paragraph (offsets in code points, paragraph-relative)."""

    def get(self, key: str) -> list[dict[str, Any]] | None: ...

    def set(self, key: str, matches: list[dict[str, Any]]) -> None: ...


class MemoryCache:
    """An in-process LRU cache of at most ``maxsize`` paragraphs."""

    def __init__(self, maxsize: int = 20_000):
        self.maxsize = maxsize
        self._data: OrderedDict[str, list[dict[str, Any]]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> list[dict[str, Any]] | None:
        with self._lock:
            if key not in self._data:
                return None
            self._data.move_to_end(key)
            return self._data[key]

    def set(self, key: str, matches: list[dict[str, Any]]) -> None:
        with self._lock:
            self._data[key] = matches
            self._data.move_to_end(key)
            while len(self._data) > self.maxsize:
                self._data.popitem(last=False)

    def __len__(self) -> int:
        return len(self._data)


class RedisCache:
    """Paragraph results in Redis (JSON), expiring after ``ttl`` seconds."""

    def __init__(self, redis_client: Any, ttl: int = 7 * 24 * 3600, prefix: str = "mtclean:lt:"):
        self.redis, self.ttl, self.prefix = redis_client, ttl, prefix

    def get(self, key: str) -> list[dict[str, Any]] | None:
        raw = self.redis.get(self.prefix + key)
        return None if raw is None else json.loads(raw)

    def set(self, key: str, matches: list[dict[str, Any]]) -> None:
        self.redis.set(self.prefix + key, json.dumps(matches), ex=self.ttl)
