"""media.Images: which of a note's images are packed, under which name, and the one line for each that is not."""

from __future__ import annotations

import hashlib
import os

from quizgen.media import Images, media_name

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 24
"""Enough of a PNG for a test: nothing here decodes it."""


def setup(tmp_path):
    root = tmp_path / "notes"
    (root / "cardio" / "img").mkdir(parents=True)
    note = root / "cardio" / "heart.md"
    note.write_text("# Heart\n")
    (root / "cardio" / "img" / "ecg.png").write_bytes(PNG)
    return root, note


def test_an_image_inside_the_folder_is_packed_by_its_content_hash(tmp_path):
    root, note = setup(tmp_path)
    images = Images(str(note), str(root))
    name, rel = images("img/ecg.png")
    assert name == "quizgen-" + hashlib.blake2b(PNG, digest_size=16).hexdigest() + ".png" == media_name(PNG, ".PNG")
    assert rel == "cardio/img/ecg.png"
    assert images.media == {name: os.path.realpath(root / "cardio" / "img" / "ecg.png")} and images.warnings == []
    assert images("./img/../img/ecg.png")[0] == name and len(images.media) == 1


def test_a_percent_encoded_name_is_found(tmp_path):
    root, note = setup(tmp_path)
    (root / "cardio" / "img" / "my ecg.png").write_bytes(PNG + b"2")
    assert Images(str(note), str(root))("img/my%20ecg.png")[1] == "cardio/img/my ecg.png"


def test_what_cannot_be_packed_is_one_warning_each(tmp_path):
    root, note = setup(tmp_path)
    (tmp_path / "secret.png").write_bytes(PNG)
    (root / "cardio" / "link.png").symlink_to(tmp_path / "secret.png")
    (root / "cardio" / "notes.txt").write_text("not an image")
    (root / "cardio" / "folder.png").mkdir()
    images = Images(str(note), str(root))
    refused = ["missing.png", "../../secret.png", "/etc/passwd", str(tmp_path / "secret.png"), "link.png",
               "notes.txt", "folder.png", "data:image/png;base64,AAAA", "ftp://example.org/a.png", "file:///etc/passwd"]
    for src in refused:
        assert images(src) == ("", ""), src
    assert images("missing.png") == ("", "")  # asked again: no second warning
    assert images.media == {}
    assert len(images.warnings) == len(refused)
    assert all(w.startswith(f"{note}: image ") and "\n" not in w for w in images.warnings)
    assert "not found" in images.warnings[0] and "outside the folder" in images.warnings[1]
    assert "absolute path" in images.warnings[2] and "outside the folder" in images.warnings[4]


def test_a_note_given_by_itself_packs_only_from_its_own_folder(tmp_path):
    root, note = setup(tmp_path)
    (root / "top.png").write_bytes(PNG)
    images = Images(str(note), str(note.parent))
    assert images("../top.png") == ("", "") and images("img/ecg.png")[1] == "img/ecg.png"


def test_a_bare_name_is_found_anywhere_in_the_folder_as_obsidian_does(tmp_path):
    root, note = setup(tmp_path)
    (root / "attachments").mkdir()
    (root / "attachments" / "valve.png").write_bytes(PNG + b"v")
    images = Images(str(note), str(root))
    assert images("valve.png")[1] == "attachments/valve.png"
    assert images("attachments/missing.png") == ("", "") and "not found" in images.warnings[-1]
