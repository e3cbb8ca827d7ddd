"""Holding Ctrl-C and SIGTERM for the few steps an interruption must not fall into."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager

STOPS = frozenset({signal.SIGINT, signal.SIGTERM})
"""The signals a user or a service manager stops a build with."""


@contextmanager
def held() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM for the block; they arrive, as usual, right after it.

    For steps where an interruption would be lost or leave a mess: between making a temporary file and
    recording it, or while forking a worker (Python runs at-fork callbacks there, and an exception
    raised inside one is printed and ignored: the Ctrl-C would simply vanish)."""
    if not hasattr(signal, "pthread_sigmask"):  # pragma: no cover - Windows
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, STOPS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)
