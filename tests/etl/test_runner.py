"""The runner of a load: one pool for every task, nothing left running or open on any way out."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pytest

from etl.runner import LoadRunner, SerialLane


def _runner_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith("etl-load")]


class _File:
    """Stands for an opened file: records whether it was closed."""

    def __init__(self) -> None:
        self.closed = False

    def close(self) -> None:
        self.closed = True


def test_on_an_exception_queued_tasks_are_cancelled_running_ones_joined_and_opened_files_closed():
    started, release = threading.Event(), threading.Event()

    def open_slowly() -> _File:
        started.set()
        release.wait(5)
        return _File()

    with pytest.raises(RuntimeError, match="early failure"), LoadRunner(workers=2) as runner:
        opening = runner.open(open_slowly)
        blocker = runner.submit(release.wait, 5)
        queued = runner.submit(time.sleep, 5)  # no worker free: it waits in the queue
        assert started.wait(5)
        threading.Timer(0.2, release.set).start()
        raise RuntimeError("early failure")
    assert queued.cancelled() and blocker.done()
    assert opening.result().closed  # finished after the failure, closed all the same
    assert _runner_threads() == []


def test_a_writer_still_writing_when_the_load_fails_is_stopped_before_the_runner_ends():
    class SlowSink:
        def __init__(self) -> None:
            self.sent: list[int] = []

        def prepare(self, frame: pd.DataFrame, rows: np.ndarray) -> int:
            return int(rows[0])

        def write(self, prepared: int) -> int:
            time.sleep(0.05)
            self.sent.append(prepared)
            return 1

    sink = SlowSink()
    with pytest.raises(RuntimeError, match="check failed"), LoadRunner() as runner:
        writer = runner.writer(sink)
        for first in range(0, 50, 10):
            writer.submit(pd.DataFrame({"a": range(10)}), np.arange(first, first + 10))
        raise RuntimeError("check failed")
    assert sink.sent == sorted(sink.sent) and len(sink.sent) < 5  # the queued chunks were dropped
    assert _runner_threads() == []


def test_run_all_starts_items_in_order_a_few_at_a_time_and_stops_after_a_failure():
    running, most, started = 0, 0, []
    lock = threading.Lock()

    def build(item: int) -> None:
        nonlocal running, most
        with lock:
            started.append(item)
            running += 1
            most = max(most, running)
        time.sleep(0.02)
        with lock:
            running -= 1
        if item == 3:
            raise ValueError("index 3 failed")

    with LoadRunner() as runner:
        runner.run_all(build, [0, 1, 2], at_once=2)
        assert sorted(started) == [0, 1, 2] and started[0] in (0, 1) and most == 2
        started.clear()
        with pytest.raises(ValueError, match="index 3 failed"):
            runner.run_all(build, list(range(3, 10)), at_once=2)
    assert 3 in started and len(started) <= 3  # after the failure, no lane starts another item


def test_a_lane_runs_its_tasks_one_at_a_time_in_order_and_skips_cancelled_ones():
    done: list[int] = []
    running = threading.Lock()

    def task(i: int) -> int:
        assert running.acquire(blocking=False), "two tasks of a lane ran at once"
        time.sleep(0.005)
        done.append(i)
        running.release()
        return i * 10

    with ThreadPoolExecutor(4) as pool:
        lane = SerialLane(pool)
        futures = [lane.submit(task, i) for i in range(8)]
        futures[7].cancel()
        assert [f.result() for f in futures[:7]] == [i * 10 for i in range(7)]
    assert done == list(range(7))


def test_limited_submits_wait_while_enough_tasks_are_unfinished():
    running, most = 0, 0
    lock = threading.Lock()

    def check() -> None:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        time.sleep(0.01)
        with lock:
            running -= 1

    with LoadRunner(workers=4) as runner:
        checks = runner.limited(2)
        for future in [checks.submit(check) for _ in range(8)]:
            future.result()
    assert most == 2


def test_a_runner_needs_two_workers():
    with pytest.raises(ValueError, match="two workers"):
        LoadRunner(workers=1)
