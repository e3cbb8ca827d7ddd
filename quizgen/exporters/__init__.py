"""Exporters: cards -> a file. The format comes from the output's suffix."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress

from .. import signals
from ..errors import OutputError

FORMATS = {".apkg": "anki", ".json": "json", ".txt": "anki-text", ".tsv": "anki-text", ".csv": "csv",
           ".html": "html"}
"""Output suffix -> exporter module."""


def format_for(path: str) -> str:
    """The exporter a path asks for by its suffix; an unknown suffix is the user's error, said plainly."""
    suffix = os.path.splitext(path)[1].lower()
    if suffix not in FORMATS:
        known = ", ".join(sorted(FORMATS))
        raise OutputError(f"{path}: unknown output format '{suffix or '(no suffix)'}' (use one of {known})")
    return FORMATS[suffix]


def _temp_beside(path: str, suffix: str) -> str:
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise OutputError(f"{path}: folder {folder} does not exist")
    _remove_orphans(path)
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{os.path.basename(path)}.{os.getpid()}.", suffix=suffix)
    except OSError as e:
        raise OutputError(f"{path}: cannot write here: {e.strerror}") from None
    os.close(fd)
    return tmp


def _remove_orphans(path: str) -> None:
    """Remove the temporary files an earlier build of `path` left behind when it was killed outright
    (SIGKILL, a power cut): they are named after its process id, and that process is gone."""
    folder, name = os.path.split(os.path.abspath(path))
    prefix = f".{name}."
    with suppress(OSError), os.scandir(folder) as entries:
        for entry in entries:
            pid = entry.name[len(prefix):].split(".", 1)[0]
            if (entry.name.startswith(prefix) and entry.name.endswith((".db", ".tmp")) and pid.isdigit()
                    and not _running(int(pid))):
                with suppress(OSError):
                    os.unlink(entry.path)


def _running(pid: int) -> bool:
    """Whether a process with this id exists (on Windows, where signal 0 would end it, always True)."""
    if os.name == "nt":
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):  # someone else's process, or not a process id at all
        pass
    return True


@contextmanager
def scratch_path(beside: str, suffix: str) -> Iterator[str]:
    """A temporary file beside the output (never in the system temp folder), removed however the block ends."""
    made: list[str] = []
    try:
        with signals.held():
            made.append(_temp_beside(beside, suffix))
        try:
            yield made[0]
        except OSError as e:  # a full disk, a file-size limit: the user's to fix, not a bug of ours
            raise OutputError(f"{beside}: cannot write: {e.strerror or e}") from None
    finally:
        for tmp in made:
            with suppress(OSError):
                os.unlink(tmp)


@contextmanager
def atomic_path(path: str, suffix: str = ".tmp") -> Iterator[str]:
    """A temporary path beside `path` that replaces it only when the block succeeds.

    An interrupted or failed write leaves no partial file and the previous output untouched.
    """
    with scratch_path(path, suffix) as tmp:
        yield tmp
        try:
            os.chmod(tmp, 0o644)
            os.replace(tmp, path)
        except OSError as e:
            raise OutputError(f"{path}: cannot write: {e.strerror or e}") from None
