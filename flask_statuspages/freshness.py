"""How a process knows, without asking the database, that no page changed.

Every public request needs the page's access columns and public version
(:func:`access.page_ref`). Each process keeps them per slug, and trusts them
while a *change counter* shared by every process is where it was when they
were read. Every commit that changes what visitors see moves the counter
(:func:`snapshot.install_version_hook`) before the request that made it
answers, so a reader that finds it unchanged knows no page changed since, and
one that finds it moved reads again: no process ever serves a stale page.

The counter lives where every process that writes the database can see it:

* :class:`FileCounter`, SQLite: eight bytes in a file beside the database,
  mapped into memory by every process (a SQLite file is on one host by
  nature). Reading it costs well under a microsecond.
* :class:`RedisCounter`, other databases with ``STATUSPAGES_REDIS_URL``: one
  Redis ``GET`` per request instead of a query.
* :class:`FileCounter` again, any database, when
  ``STATUSPAGES_CHANGE_COUNTER_FILE`` names a file: for deployments where
  every process that writes the database runs on one host.
* None of them (PostgreSQL without Redis): no cache; each request asks the
  database, on a connection kept for that (:class:`access.LookupConnections`).

A reader reads the counter *before* it reads the page, and a writer moves it
*after* its commit, so whatever a reader caches under a value was committed
no later than that value was written. Writes that bypass the ORM session
(bulk Core statements) move nothing, as they bump no public version.
"""

from __future__ import annotations

import logging
import mmap
import os
import struct
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from sqlalchemy.engine import URL

log = logging.getLogger(__name__)

T = TypeVar("T")


class FileCounter:
    """A change counter in a small file that every process maps into memory.

    The file is created (eight zero bytes) by the first process that needs it
    and never shrinks; a process that cannot open it (a read-only directory)
    logs it once and asks the database instead. Deleting the file while
    servers run would split them, so it is left beside the database.
    """

    FORMAT = "=Q"

    def __init__(self, path: str) -> None:
        self.path = path
        self._map: mmap.mmap | None = None
        self._failed = False

    def _mapped(self) -> mmap.mmap | None:
        if self._map is None and not self._failed:
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o660)
                try:
                    if os.fstat(fd).st_size < 8:
                        os.ftruncate(fd, 8)  # zeros; a concurrent creator writes the same
                    self._map = mmap.mmap(fd, 8)
                finally:
                    os.close(fd)
            except OSError:
                self._failed = True
                log.warning("cannot map %s: every public read asks the database", self.path)
        return self._map

    def value(self) -> int | None:
        mapped = self._map or self._mapped()  # read on every public request: no call once mapped
        return None if mapped is None else struct.unpack_from(self.FORMAT, mapped)[0]  # type: ignore[no-any-return]

    def bump(self) -> None:
        # Two writers may both write the same next value: both commits happened
        # before either wrote it, so any reader that sees it reads both.
        mapped = self._mapped()
        if mapped is not None:
            current = struct.unpack_from(self.FORMAT, mapped)[0]
            struct.pack_into(self.FORMAT, mapped, 0, (current + 1) % 2**64)


class RedisCounter:
    """A change counter in Redis, shared by processes on every host."""

    KEY = "statuspages:public-version"

    def __init__(self, redis_url: str) -> None:
        from redis import Redis

        self.redis: Any = Redis.from_url(redis_url, socket_timeout=1)

    def value(self) -> bytes | None:
        try:
            return self.redis.get(self.KEY) or b"0"  # type: ignore[no-any-return]
        except Exception:  # Redis down: every read asks the database meanwhile
            return None

    def bump(self) -> None:
        try:
            self.redis.incr(self.KEY)
        except Exception:  # readers fall back to queries when they cannot read it either
            log.warning("could not announce a public change to Redis", exc_info=True)


Counter = FileCounter | RedisCounter


class Cached(Generic[T]):
    """Values by key, trusted while the counter holds the value they were read under.

    Any change empties the cache (writes are rare next to reads).
    """

    SIZE = 4096

    def __init__(self, counter: Counter) -> None:
        self.counter = counter
        self._entries: dict[str, T] = {}
        self._seen: object = None

    def current(self) -> object:
        """The counter's value now, or ``None`` when it cannot be read (do not cache)."""
        return self.counter.value()

    def get(self, key: str, seen: object) -> T | None:
        if seen != self._seen:
            self._entries, self._seen = {}, seen
        return self._entries.get(key)

    def put(self, key: str, seen: object, value: T) -> None:
        # Kept under the value it was read under: a later get with another drops it.
        if seen != self._seen:
            self._entries, self._seen = {}, seen
        if len(self._entries) < self.SIZE:
            self._entries[key] = value

    def changed(self) -> None:
        """After a commit that changed what visitors see: every process reads again."""
        self.counter.bump()


def counter_for(
    database_url: URL, redis_url: str | None, counter_file: str | None = None
) -> Counter | None:
    """The change counter for this database, or ``None`` (every read asks it).

    ``counter_file`` (``STATUSPAGES_CHANGE_COUNTER_FILE``) puts it in that
    file whatever the database: whoever sets it vouches that every process
    writing the database runs on this host.
    """
    if counter_file:
        return FileCounter(os.path.abspath(counter_file))
    if database_url.get_backend_name() == "sqlite":
        path = database_url.database
        if path and path != ":memory:" and not path.startswith("file:"):
            return FileCounter(os.path.abspath(path) + "-statuspages-version")
        return None  # in memory: one process, and its session is the only connection
    return RedisCounter(redis_url) if redis_url else None
