"""A zip archive whose big member is deflated on every core, the way pigz does it.

An .apkg is a zip of one SQLite database, which for a big build is hundreds of megabytes; compressing
it is the one step left after the last card, and zipfile does it on one thread while the other cores
wait. Here the file is cut into pieces, each deflated on a thread of its own (zlib lets go of the
GIL) with the 32 kB before it as its dictionary and ended on a byte boundary, so the pieces, joined in
order, are one ordinary deflate stream that any unzip reads. The bytes depend on the piece size and
level alone, never on how many threads ran: the same database gives the same archive.

zipfile cannot take data that is already compressed, so the few headers a zip needs are written here
(always in their Zip64 form, which every reader of .apkg files knows). tests/test_archive.py reads
the archives back with zipfile.
"""

from __future__ import annotations

import os
import struct
import zlib
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

PIECE = 1 << 22
"""Bytes deflated as one piece: big enough that the lost context at each cut costs nothing (0.1%)."""
WINDOW = 1 << 15
"""Deflate's window: the tail of the piece before, given to the next one as its dictionary."""
LEVEL = 1
"""On card text level 1 is nearly as small as level 6 (15 vs 13 MB for 2,000 documents), in a third of the time."""
MAX_THREADS = 8
"""Threads at most: each keeps about three pieces in memory."""

_DATE = (0, (1 << 5) | 1)
"""(DOS time, DOS date) of every member: 1980-01-01 00:00, so a rebuild gives the same bytes."""
_VERSION = 45
"""Zip64 needs version 4.5 of the format."""
_MADE_BY = (3 << 8) | _VERSION  # Unix
_ATTRIBUTES = 0o100644 << 16
"""A regular file, rw-r--r--."""
_FULL = 0xFFFFFFFF
"""A 32-bit field that says 'see the Zip64 field instead'."""


def write_zip(path: str, members: Sequence[tuple[str, str | bytes]], *, threads: int | None = None,
              progress: Callable[[int, int], None] | None = None) -> None:
    """Write a zip of `members`, (name, a file's path or bytes), all deflated.

    `progress(bytes done, bytes)` is called as the files given by path are compressed.
    """
    total = sum(os.path.getsize(m) for _, m in members if not isinstance(m, bytes))
    done = 0

    def advanced(n: int) -> None:
        nonlocal done
        done += n
        if progress:
            progress(done, total)

    entries = []
    threads = threads or min(MAX_THREADS, os.cpu_count() or 1)
    with open(path, "wb") as out, ThreadPoolExecutor(threads) as pool:
        for name, member in members:
            encoded = name.encode()
            offset = out.tell()
            out.write(_local_header(encoded, 0, 0, 0))  # the sizes are known only after the data
            if isinstance(member, bytes):
                crc, packed, size = _deflate([member], pool, threads, out.write, lambda n: None)
            else:
                crc, packed, size = _deflate(_pieces(member), pool, threads, out.write, advanced)
            end = out.tell()
            out.seek(offset)
            out.write(_local_header(encoded, crc, packed, size))
            out.seek(end)
            entries.append((encoded, crc, packed, size, offset))
        start = out.tell()
        for entry in entries:
            out.write(_central_header(*entry))
        _end_records(out, len(entries), start, out.tell())


def _pieces(path: str):
    with open(path, "rb") as f:
        while piece := f.read(PIECE):
            yield piece


def _deflate(pieces, pool: ThreadPoolExecutor, threads: int, write: Callable[[bytes], object],
             advanced: Callable[[int], None]) -> tuple[int, int, int]:
    """Deflate pieces on the pool, write the results in order; (CRC-32, compressed size, size).

    The CRC is summed here while the threads deflate, and at most two pieces a thread are in flight."""
    crc = packed = size = 0
    running: deque = deque()
    before = b""
    pieces = iter(pieces)
    piece = next(pieces, b"")
    while True:
        after = next(pieces, None)
        running.append((pool.submit(_deflate_piece, piece, before, after is None), len(piece)))
        crc = zlib.crc32(piece, crc)
        size += len(piece)
        before = piece[-WINDOW:]
        while running and (after is None or len(running) > 2 * threads):
            future, n = running.popleft()
            data = future.result()
            write(data)
            packed += len(data)
            advanced(n)
        if after is None:
            return crc, packed, size
        piece = after


def _deflate_piece(piece: bytes, before: bytes, last: bool) -> bytes:
    z = zlib.compressobj(LEVEL, zlib.DEFLATED, -15, zdict=before) if before else \
        zlib.compressobj(LEVEL, zlib.DEFLATED, -15)
    return z.compress(piece) + z.flush(zlib.Z_FINISH if last else zlib.Z_SYNC_FLUSH)


def _zip64(*values: int) -> bytes:
    return struct.pack(f"<HH{len(values)}Q", 0x0001, 8 * len(values), *values)


def _local_header(name: bytes, crc: int, packed: int, size: int) -> bytes:
    extra = _zip64(size, packed)
    return struct.pack("<IHHHHHIIIHH", 0x04034B50, _VERSION, 0, zlib.DEFLATED, *_DATE, crc, _FULL, _FULL,
                       len(name), len(extra)) + name + extra


def _central_header(name: bytes, crc: int, packed: int, size: int, offset: int) -> bytes:
    extra = _zip64(size, packed, offset)
    return struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, _MADE_BY, _VERSION, 0, zlib.DEFLATED, *_DATE, crc,
                       _FULL, _FULL, len(name), len(extra), 0, 0, 0, _ATTRIBUTES, _FULL) + name + extra


def _end_records(out, count: int, start: int, end: int) -> None:
    """Zip64 end of central directory, its locator, and the classic end record pointing to them."""
    out.write(struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, _MADE_BY, _VERSION, 0, 0, count, count, end - start, start))
    out.write(struct.pack("<IIQI", 0x07064B50, 0, end, 1))
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, min(count, 0xFFFF), min(count, 0xFFFF),
                          min(end - start, _FULL), min(start, _FULL), 0))
