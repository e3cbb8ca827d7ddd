"""A Markdown note's local images -> media files packed into the deck, under names made from their content.

The parser calls an Images instance with each image path as a note writes it; only a regular image file
inside the folder the build was given (after every symbolic link is followed) is packed. Anything else
(missing, unreadable, too large, not an image, outside the folder, absolute) costs one warning line and
the image shows as its alt text: never a failure, and never a file from outside the folder in a deck.
"""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from urllib.parse import unquote

SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".bmp", ".avif", ".tif", ".tiff"})
"""What an image file's name ends with (case-insensitive): what Anki's card viewer shows in an <img>."""

MAX_IMAGE = 20_000_000
"""Bytes: a larger file is left out of the deck (a phone photo is 2-8 MB)."""


def media_name(data: bytes, suffix: str) -> str:
    """The packed file's name: a hash of its bytes, so that two images never share a name, the same image
    used by two notes is packed once, and an edited image gets a new name (Anki keeps the old file)."""
    return "quizgen-" + hashlib.blake2b(data, digest_size=16).hexdigest() + suffix.lower()


@lru_cache(maxsize=8)
def _by_name(root: str) -> dict[str, str]:
    """Every image file under `root` by its file name (where several share one, the first met walking
    the folder in name order), read once per folder and build: how Obsidian finds an embed."""
    found: dict[str, str] = {}
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if os.path.splitext(name)[1].lower() in SUFFIXES and name not in found:
                found[name] = os.path.join(folder, name)
    return found


def forget() -> None:
    """Start a build afresh: the folders' contents may have changed since the last one."""
    _by_name.cache_clear()


class Images:
    """Resolver for the images of one note: (media name, path relative to the folder given) or ('', '')."""

    def __init__(self, note_path: str, root: str):
        self.note_path = note_path
        self.folder = os.path.dirname(os.path.abspath(note_path))
        self.root = os.path.abspath(root)
        self.real_root = os.path.realpath(root)
        self.media: dict[str, str] = {}
        """media name -> the file to pack"""
        self.warnings: list[str] = []
        self._seen: dict[str, tuple[str, str]] = {}

    def __call__(self, src: str) -> tuple[str, str]:
        if src not in self._seen:
            self._seen[src] = self._resolve(src)
        return self._seen[src]

    def resolved(self) -> list[tuple[str, tuple[str, str]]]:
        """Every image path asked for, in the order first asked, with what it resolved to."""
        return list(self._seen.items())

    def _warn(self, src: str, problem: str) -> tuple[str, str]:
        self.warnings.append(f"{self.note_path}: image {src} {problem}; it is shown as its alt text")
        return "", ""

    def _resolve(self, src: str) -> tuple[str, str]:
        if "://" in src or src.lower().startswith(("data:", "file:", "//", "mailto:")):
            return self._warn(src, "is not a file of this folder (only http and https images stay links)")
        candidates = [src]
        plain = unquote(src.split("#", 1)[0].split("?", 1)[0])
        if plain != src:
            candidates.append(plain)
        for candidate in candidates:
            if os.path.isabs(candidate) or candidate.startswith(("\\", "~")):
                return self._warn(src, "is an absolute path (a note's images are packed only from its folder)")
            full = os.path.normpath(os.path.join(self.folder, candidate))
            if os.path.lexists(full):
                return self._pack(src, full)
        if "/" not in plain and os.sep not in plain:  # Obsidian's ![[ecg.png]]: a name found anywhere in the vault
            found = _by_name(self.root).get(plain)
            if found:
                return self._pack(src, found)
        return self._warn(src, "not found")

    def _pack(self, src: str, full: str) -> tuple[str, str]:
        real = os.path.realpath(full)
        if os.path.commonpath([real, self.real_root]) != self.real_root:
            return self._warn(src, "is outside the folder given to the build: not packed")
        suffix = os.path.splitext(real)[1]
        if suffix.lower() not in SUFFIXES:
            return self._warn(src, f"is not an image file (expected one of {', '.join(sorted(SUFFIXES))})")
        try:
            if not os.path.isfile(real):
                return self._warn(src, "is not a regular file")
            size = os.path.getsize(real)
            if size > MAX_IMAGE:
                return self._warn(src, f"is {size:,} bytes, over the {MAX_IMAGE:,}-byte limit for an image")
            with open(real, "rb") as f:
                data = f.read(MAX_IMAGE + 1)
        except OSError as e:
            return self._warn(src, f"cannot be read: {e.strerror or e}")
        name = media_name(data, suffix)
        self.media[name] = real
        return name, os.path.relpath(full, self.root).replace(os.sep, "/")
