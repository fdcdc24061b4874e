"""Group commit: calls that arrive while earlier ones are being worked on are done together,
in one call of ``work``, as a database groups the commits that wait on one log flush.

Nothing waits on a timer: a call that finds a free slot (fewer than ``parallel`` groups
running) starts at once with whatever has queued, itself first, so a lone call costs what it
did before; under load the queue fills while the running groups work, and the next group
takes it whole (up to ``limit`` by ``size``). Each caller's thread waits for its own result;
the thread of the first item in a group does the group's work."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")


@dataclass(eq=False)
class _Slot(Generic[T, R]):
    item: T
    done: bool = False
    result: R | None = None
    error: BaseException | None = None


class GroupCommit(Generic[T, R]):
    """``run(item)`` returns ``work(group)[i]`` for the group the item went into, raising it
    when it is an exception (that caller's own failure); when ``work`` raises, every caller
    of that group gets the exception."""

    def __init__(self, work: Callable[[list[T]], list[R]], *, parallel: int, limit: int,
                 size: Callable[[T], int] = lambda item: 1):
        self._work, self._parallel, self._limit, self._size = work, parallel, limit, size
        self._changed = threading.Condition()
        self._queue: list[_Slot[T, R]] = []
        self._running = 0

    @property
    def queued(self) -> int:
        """Calls waiting for a group to take them."""
        with self._changed:
            return len(self._queue)

    def run(self, item: T) -> R:
        slot: _Slot[T, R] = _Slot(item)
        with self._changed:
            self._queue.append(slot)
            while not slot.done and not (slot in self._queue and self._running < self._parallel):
                self._changed.wait()
            group = [] if slot.done else self._take(slot)
        if group:
            self._do(group)
        if slot.error is not None:
            raise slot.error
        return slot.result  # type: ignore[return-value]

    def _take(self, first: _Slot[T, R]) -> list[_Slot[T, R]]:
        """The group ``first`` leads: it, then the queue in arrival order while within the limit."""
        group, total = [first], self._size(first.item)
        for slot in self._queue:
            if slot is not first and total + self._size(slot.item) <= self._limit:
                group.append(slot)
                total += self._size(slot.item)
        taken = set(map(id, group))
        self._queue = [slot for slot in self._queue if id(slot) not in taken]
        self._running += 1
        return group

    def _do(self, group: list[_Slot[T, R]]) -> None:
        try:
            results = self._work([slot.item for slot in group])
            for slot, result in zip(group, results, strict=True):
                if isinstance(result, BaseException):
                    slot.error = result
                else:
                    slot.result = result
        except BaseException as exc:  # noqa: BLE001 - every caller of the group gets it
            for slot in group:
                slot.error = exc
        finally:
            with self._changed:
                self._running -= 1
                for slot in group:
                    slot.done = True
                self._changed.notify_all()
