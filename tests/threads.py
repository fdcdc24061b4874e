"""Concurrency in tests: callables run in threads released together, their errors handed
back to the test's own thread (an assertion raised in a worker thread would be lost)."""

from __future__ import annotations

import threading
from collections.abc import Callable


def run_together(tasks: list[Callable[[], None]], timeout: float) -> list[BaseException]:
    """Runs each task in its own thread, all started at the same moment; what they raised."""
    start = threading.Barrier(len(tasks))
    errors: list[BaseException] = []

    def run(task: Callable[[], None]) -> None:
        try:
            start.wait()
            task()
        except BaseException as exc:  # noqa: BLE001 - reported by the caller's thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(task,)) for task in tasks]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=timeout)
    return errors
