"""Exporters: cards -> a file. The format comes from the output's suffix."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress

from ..errors import OutputError

FORMATS = {".apkg": "anki", ".json": "json"}
"""Output suffix -> exporter module."""


def format_for(path: str) -> str:
    """The exporter a path asks for by its suffix; an unknown suffix is the user's error, said plainly."""
    suffix = os.path.splitext(path)[1].lower()
    if suffix not in FORMATS:
        known = ", ".join(sorted(FORMATS))
        raise OutputError(f"{path}: unknown output format '{suffix or '(no suffix)'}' (use one of {known})")
    return FORMATS[suffix]


@contextmanager
def atomic_path(path: str, suffix: str = ".tmp") -> Iterator[str]:
    """A temporary path beside `path` that replaces it only when the block succeeds.

    An interrupted or failed write leaves no partial file and the previous output untouched.
    """
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise OutputError(f"{path}: folder {folder} does not exist")
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix="." + os.path.basename(path) + ".", suffix=suffix)
    except OSError as e:
        raise OutputError(f"{path}: cannot write here: {e.strerror}") from None
    os.close(fd)
    try:
        yield tmp
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with suppress(OSError):
            os.unlink(tmp)
        raise


def scratch_path(beside: str, suffix: str) -> str:
    """A temporary file beside the output (never in the system temp folder); the caller removes it."""
    folder = os.path.dirname(os.path.abspath(beside))
    fd, tmp = tempfile.mkstemp(dir=folder, prefix="." + os.path.basename(beside) + ".", suffix=suffix)
    os.close(fd)
    return tmp

