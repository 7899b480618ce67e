"""The threads of one load: one pool runs every task beside the main thread, and nothing outlives the load.

A load reads its file on the main thread; on the pool it computes the file's checksum and opens
it (while the database is set up), checks chunks, encodes valid rows, writes them in file order,
and builds indexes at the end. :class:`LoadRunner` owns that pool. Used as a context manager, it
leaves no task running and no file open on any exit: a return, an early one, or an exception.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, Future, ThreadPoolExecutor, wait
from types import TracebackType
from typing import TYPE_CHECKING, Protocol, TypeVar

if TYPE_CHECKING:
    from etl.staging import BackgroundWriter, Sink

T = TypeVar("T")
#: Two chunks checked at once (pyarrow and numpy release the GIL), one chunk encoded, one written.
WORKERS = 4


class Closable(Protocol):
    """Something holding a file open until it is closed."""

    def close(self) -> None:
        """Release the file."""


C = TypeVar("C", bound=Closable)


class LoadRunner:
    """Runs the tasks of one load on one thread pool (threads named ``etl-load_N``).

    On exit the writers stop (queued rows are dropped unless they were waited for), tasks not
    started are cancelled, running ones are waited for, and what :meth:`open` opened is closed.
    """

    def __init__(self, workers: int = WORKERS) -> None:
        if workers < 2:
            raise ValueError("a load needs two workers at least: the writer waits for the encoder")
        self._pool = ThreadPoolExecutor(workers, thread_name_prefix="etl-load")
        self._opened: list[Future] = []
        self._writers: list[BackgroundWriter] = []

    def submit(self, fn: Callable[..., T], /, *args: object) -> Future[T]:
        """Run ``fn(*args)`` on the pool."""
        return self._pool.submit(fn, *args)

    def open(self, fn: Callable[..., C], /, *args: object) -> Future[C]:
        """Run ``fn(*args)`` on the pool; what it returns is closed when the runner exits."""
        future = self._pool.submit(fn, *args)
        self._opened.append(future)
        return future

    def writer(self, sink: Sink) -> BackgroundWriter:
        """A writer sending rows to ``sink`` in file order from the pool; stopped when the runner exits."""
        from etl.staging import BackgroundWriter

        writer = BackgroundWriter(sink, self._pool)
        self._writers.append(writer)
        return writer

    def run_all(self, fn: Callable[[T], object], items: Sequence[T], at_once: int) -> None:
        """Call ``fn`` on every item, ``at_once`` at a time, starting them in the order given.

        After a failure no further call starts; the first failure is raised once the calls under
        way have ended.
        """
        todo = deque(items)
        failed = threading.Event()

        def lane() -> None:
            while not failed.is_set():
                try:
                    item = todo.popleft()
                except IndexError:
                    return
                try:
                    fn(item)
                except BaseException:
                    failed.set()
                    raise

        lanes = [self._pool.submit(lane) for _ in range(max(1, min(at_once, len(items))))]
        wait(lanes)
        for finished in lanes:
            finished.result()

    def limited(self, at_once: int) -> Limited:
        """Submits to the pool that wait while ``at_once`` of their tasks are unfinished."""
        return Limited(self._pool, at_once)

    def __enter__(self) -> LoadRunner:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 tb: TracebackType | None) -> None:
        try:
            for writer in self._writers:
                writer.stop()
        finally:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._close_opened()

    def _close_opened(self) -> None:
        """Close what the open tasks returned (each task has ended: finished, failed or cancelled)."""
        for future in self._opened:
            if not future.cancelled() and future.exception() is None:
                future.result().close()


class SerialLane:
    """Runs tasks one at a time, in the order submitted, on a pool; between tasks it holds no worker.

    Submitting never blocks: the task waits in the lane, and a worker takes the lane's tasks while
    it has any. A task cancelled before it starts (its future's ``cancel()``) is skipped.
    """

    def __init__(self, pool: Executor) -> None:
        self._pool = pool
        self._lock = threading.Lock()
        self._waiting: deque[tuple[Future, Callable[..., object], tuple[object, ...]]] = deque()
        self._draining = False

    def submit(self, fn: Callable[..., T], /, *args: object) -> Future[T]:
        """Run ``fn(*args)`` after the tasks submitted before it."""
        future: Future[T] = Future()
        with self._lock:
            self._waiting.append((future, fn, args))
            if self._draining:
                return future
            self._draining = True
        self._pool.submit(self._drain)
        return future

    def _drain(self) -> None:
        while True:
            with self._lock:
                if not self._waiting:
                    self._draining = False
                    return
                future, fn, args = self._waiting.popleft()
            if future.set_running_or_notify_cancel():
                try:
                    future.set_result(fn(*args))
                except BaseException as exc:  # noqa: BLE001 - handed to whoever waits for the future
                    future.set_exception(exc)


class Limited:
    """Submits tasks to a pool, at most ``at_once`` of them unfinished: :meth:`submit` waits for a slot."""

    def __init__(self, pool: Executor, at_once: int) -> None:
        self._pool = pool
        self._slots = threading.BoundedSemaphore(at_once)

    def submit(self, fn: Callable[..., T], /, *args: object) -> Future[T]:
        """Run ``fn(*args)`` on the pool once fewer than ``at_once`` tasks submitted here are unfinished."""
        self._slots.acquire()
        try:
            future = self._pool.submit(fn, *args)
        except BaseException:
            self._slots.release()
            raise
        future.add_done_callback(lambda _: self._slots.release())
        return future
