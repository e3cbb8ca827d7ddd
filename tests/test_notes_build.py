"""Markdown notes through the whole build: a mixed folder, images packed into the .apkg and imported by the
real Anki backend, tags, decks, and a rebuild after one note is edited."""

from __future__ import annotations

import json
import os
import re
import zipfile
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

import quizgen
from quizgen.cli import cli
from quizgen.exporters.notes import doc_tag
from quizgen.exporters.json import schema_text
from quizgen.parser import parse_documents

from .conftest import write_doc

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(40))

HEART = """\
---
tags: [cardio, block 2]
deck: Cardiology
---
# Heart

The heart has **four chambers**.

## Cardiac cycle

![Four chambers](img/heart.png)

1. **Atrial systole**: the atria contract and top up the ventricles.
2. **Ventricular systole**: the lower chambers contract and eject blood into the arteries.

## What closes the mitral valve?

The rise of **ventricular pressure** above atrial pressure closes it.
"""

KIDNEY = """\
# Nephron

## Glomerulus

The glomerulus filters plasma into **Bowman's capsule** at about 120 mL/min.

## Loop of Henle

The loop of Henle builds the **medullary gradient** that lets urine be concentrated.
"""


@pytest.fixture
def notes(tmp_path) -> Path:
    root = tmp_path / "in"
    (root / "cardio" / "img").mkdir(parents=True)
    (root / "renal").mkdir()
    (root / "cardio" / "heart.md").write_text(HEART)
    (root / "cardio" / "img" / "heart.png").write_bytes(PNG)
    (root / "renal" / "nephron.md").write_text(KIDNEY)
    write_doc(root, "qt/nmj.md")
    return root


def note_docs(root: Path) -> dict[str, list]:
    """Every note's documents as the parser reads it, keyed by the file's path relative to `root`."""
    out = {}
    for path in sorted(root.rglob("*.md")):
        rel = path.relative_to(root).as_posix()
        out[rel] = parse_documents(path.read_bytes(), str(path), name=rel)
    return out


def build_json(root, out, *args) -> dict:
    result = CliRunner().invoke(cli, ["build", str(root), "-o", str(out), *args])
    assert result.exit_code == 0, result.output
    return json.loads(out.read_text())


def test_a_mixed_folder_builds_in_one_run(notes, tmp_path):
    docs = note_docs(notes)
    report = quizgen.build([notes], tmp_path / "d.json")
    assert report.exit_code == 0 and report.found == len(docs)
    assert report.read == sum(len(d) for d in docs.values())
    cards = json.loads((tmp_path / "d.json").read_text())["cards"]
    keys = {c["doc_key"] for c in cards}
    for rel, file_docs in docs.items():  # the QuickTakes document and each note made cards
        assert keys & {d.key for d in file_docs}, rel
    assert keys <= {d.key for file_docs in docs.values() for d in file_docs}
    assert docs["qt/nmj.md"][0].format == "quicktakes" and docs["renal/nephron.md"][0].format == "markdown"


def test_quicktakes_documents_build_the_same_whatever_the_format_option(notes, tmp_path):
    qt = notes / "qt"
    auto = build_json(qt, tmp_path / "a.json")
    forced = build_json(qt, tmp_path / "b.json", "--format", "quicktakes")
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes() and auto == forced


def test_json_records_images_tags_decks_and_validates(notes, tmp_path):
    deck = build_json(notes, tmp_path / "d.json")
    jsonschema.validate(deck, json.loads(schema_text()))
    heart = [c for c in deck["cards"] if c["doc_key"].startswith("cardio/heart.md")]
    assert heart and all(c["deck"] == "QuickTakes::Cardiology" for c in heart)
    assert all({"cardio", "block_2"} <= set(c["tags"]) for c in heart)
    shown = [c for c in heart if "images" in c["extra"]]
    assert shown, "the image is on some card"
    for card in shown:
        (image,) = card["extra"]["images"]
        assert image["path"] == "cardio/img/heart.png"
        assert f'<img src="{image["file"]}"' in card["front"] + card["back"] + card["details"] + card["context"]
    nephron = [c for c in deck["cards"] if c["doc_key"].startswith("renal/")]
    assert all(c["deck"] == "QuickTakes::General" and "images" not in c["extra"] for c in nephron)


def test_deck_from_folder_and_none(notes, tmp_path):
    by_folder = build_json(notes, tmp_path / "f.json", "--deck-from", "folder", "--deck", "Med")
    folders = {c["doc_key"].split("#")[0].rsplit("/", 1)[0]: c["deck"] for c in by_folder["cards"]
               if c["doc_key"].startswith(("cardio/", "renal/"))}
    assert folders == {"cardio": "Med::cardio", "renal": "Med::renal"}
    quicktakes = {c["deck"] for c in by_folder["cards"] if not c["doc_key"].startswith(("cardio/", "renal/"))}
    assert quicktakes == {"Med::qt"}
    flat = build_json(notes, tmp_path / "n.json", "--deck-from", "none", "--deck", "Med")
    assert {c["deck"] for c in flat["cards"]} == {"Med"}


def test_the_deck_imports_into_anki_with_images_tags_and_decks(notes, tmp_path, anki_import):
    out = tmp_path / "d.apkg"
    report = quizgen.build([notes], out)
    assert report.exit_code == 0
    with zipfile.ZipFile(out) as z:
        listing = json.loads(z.read("media"))
        assert list(listing) == ["0"] and z.read("0") == PNG
    (name,) = listing.values()
    col = anki_import(out, tmp_path)
    assert (Path(col.media.dir()) / name).read_bytes() == PNG
    notes_by_key: dict[str, list] = {}
    for nid in col.find_notes(""):
        note = col.get_note(nid)
        key_tags = [t for t in note.tags if t.startswith("quizgen::doc::")]
        assert len(key_tags) == 1
        notes_by_key.setdefault(key_tags[0], []).append(note)
    docs = note_docs(notes)
    assert set(notes_by_key) >= {doc_tag(d.key) for d in docs["renal/nephron.md"]}
    heart_tag = doc_tag(docs["cardio/heart.md"][0].key)
    assert heart_tag == "quizgen::doc::cardio::heart.md"
    heart_notes = [n for t, ns in notes_by_key.items() if t.startswith(heart_tag) for n in ns]
    assert col.find_notes(f'"tag:{heart_tag}"') and len(col.find_notes(f'"tag:{heart_tag}"')) == len(heart_notes)
    assert all({"cardio", "block_2"} <= set(n.tags) for n in heart_notes)
    shown = [cid for cid in col.find_cards("") if f'src="{name}"' in col.get_card(cid).answer()]
    assert shown
    assert {col.decks.name(col.get_card(cid).did) for cid in col.find_cards(f'"tag:{heart_tag}*"')} == {
        "QuickTakes::Cardiology"}
    assert not col.get_empty_cards().notes
    check = col.media.check()  # Anki's own media check: every file referenced, none missing
    assert not check.missing and not check.unused


def test_a_rebuild_after_editing_one_note_changes_only_its_cards(notes, tmp_path, anki_import):
    first, second = tmp_path / "1.apkg", tmp_path / "2.apkg"
    quizgen.build([notes], first)
    quizgen.build([notes], tmp_path / "1.json")
    col = anki_import(first, tmp_path)
    nephron = notes / "renal" / "nephron.md"
    nephron.write_text(KIDNEY.replace("120 mL/min", "125 mL/min"))
    stat = os.stat(nephron)
    os.utime(nephron, (stat.st_atime, stat.st_mtime + 10))
    quizgen.build([notes], second)
    quizgen.build([notes], tmp_path / "2.json")
    before = {c["id"]: c for c in json.loads((tmp_path / "1.json").read_text())["cards"]}
    after = {c["id"]: c for c in json.loads((tmp_path / "2.json").read_text())["cards"]}
    changed = {i for i in after if before.get(i) != after[i]}
    assert changed and all(after[i]["doc_key"] == "renal/nephron.md#glomerulus" for i in changed)
    assert set(before) == set(after)  # same cards: the edit changed wording, not what is asked
    anki_import(second, tmp_path, collection=col)
    log = col.import_log
    assert log.updated and not log.new
    updated = {col.get_note(entry.id.nid).guid for entry in log.updated}
    assert updated <= {i for i in after if after[i]["doc_key"].startswith("renal/")}
    assert all(after[i]["kind"] != "mcq" for i in updated)


def test_a_missing_image_is_one_warning_and_the_deck_is_written(notes, tmp_path):
    (notes / "cardio" / "img" / "heart.png").unlink()
    (tmp_path / "outside.png").write_bytes(PNG)
    heart = notes / "cardio" / "heart.md"
    heart.write_text(HEART + "\n![Escape](../../outside.png)\n")
    result = CliRunner().invoke(cli, ["build", str(notes), "-o", str(tmp_path / "d.apkg")])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if line.startswith("warning:")]
    assert len(lines) == 2 and all(f"{heart}: image " in line for line in lines)
    assert "img/heart.png not found" in lines[0] and "outside the folder" in lines[1]
    with zipfile.ZipFile(tmp_path / "d.apkg") as z:
        assert json.loads(z.read("media")) == {} and all(z.read(n) != PNG for n in z.namelist())


def test_notes_build_the_same_bytes_whatever_the_number_of_workers(tmp_path):
    root = tmp_path / "in"
    for n in range(quizgen.pipeline.PARALLEL_FROM + 6):
        folder = root / f"block{n % 3}"
        (folder / "img").mkdir(parents=True, exist_ok=True)
        (folder / "img" / f"fig{n}.png").write_bytes(PNG + bytes([n]))
        (folder / f"note{n}.md").write_text(
            f"# Topic {n}\n\nThe **marker {n}** rises in sepsis.\n\n## Course\n\n![Figure {n}](img/fig{n}.png)\n\n"
            f"1. **Rise**: it rises within {n + 2} hours of the insult.\n2. **Fall**: it falls ==after {n} days==.\n")
    outs = []
    for jobs in (1, 2):
        out = tmp_path / f"j{jobs}.apkg"
        report = quizgen.build([root], out, quizgen.BuildOptions(jobs=jobs, deck_from="folder"))
        assert report.exit_code == 0 and report.read == 2 * (quizgen.pipeline.PARALLEL_FROM + 6)
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]
    with zipfile.ZipFile(tmp_path / "j2.apkg") as z:
        assert len(json.loads(z.read("media"))) == quizgen.pipeline.PARALLEL_FROM + 6


def test_doc_tags_have_no_spaces_and_follow_the_key():
    assert doc_tag("910001") == "quizgen::doc::910001"
    assert doc_tag("my notes/heart.md#cycle/systole") == "quizgen::doc::my_20notes::heart.md::cycle::systole"
    assert not re.search(r"\s", doc_tag("a b\tc#d e"))


def test_the_seed_notes_build(tmp_path):
    seeds = Path(__file__).parent.parent / "seeds" / "notes"
    report = quizgen.build([seeds], tmp_path / "n.apkg")
    assert report.exit_code == 0 and not [w for w in report.warnings if ": image " in w]
    expected = sum(len(parse_documents(p.read_bytes(), str(p))) for p in seeds.glob("*.md"))
    assert report.read == expected and sum(report.cards.values()) >= expected
    with zipfile.ZipFile(tmp_path / "n.apkg") as z:
        assert len(json.loads(z.read("media"))) == len(list((seeds / "img").iterdir()))


def test_an_image_no_card_shows_goes_on_the_documents_qa_card():
    """Whatever the generator chooses to show, every packed image is seen on a card of its document."""
    from dataclasses import replace

    from quizgen.pipeline import _show_images, _with_note_data

    source = ("![ECG <lead II>](ecg.png)\n\n1. **Atrial systole**: the atria contract and top up the ventricles.\n"
              "2. **Ventricular systole**: the lower chambers contract and eject blood into the arteries.\n")
    (doc,) = parse_documents(source.encode(), "ecg.md", resolve=lambda src: ("quizgen-1.png", src))
    cards = [replace(c, back="", details="") for c in quizgen.generate(doc)]
    assert cards and not any("<img" in c.back for c in cards)
    shown = _show_images(doc, cards)
    with_img = [c for c in shown if 'src="quizgen-1.png"' in c.back]
    assert len(with_img) == 1 and "alt=\"ECG &lt;lead II&gt;\"" in with_img[0].back
    assert with_img[0].kind == "qa" or not any(c.kind == "qa" for c in cards)
    assert _show_images(doc, shown) == shown  # already shown: nothing added
    (tagged,) = [c for c in _with_note_data(doc, cards) if "images" in c.extra]
    assert tagged.extra["images"] == [{"file": "quizgen-1.png", "path": "ecg.png"}]
