"""Exporters: the seeds built into an .apkg imported by the real Anki backend, and into validated JSON."""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import jsonschema
import pytest
from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest
from genanki.apkg_schema import APKG_SCHEMA

import quizgen
from quizgen.exporters.json import schema_text
from quizgen.parser import read_documents

SEEDS = Path(__file__).parent.parent / "seeds"
RAW_MARKDOWN = re.compile(r"\*\*|\\n|(^|>)\s*#{1,6} ")


def import_apkg(col: Collection, path: Path):
    request = ImportAnkiPackageRequest(package_path=str(path), options=ImportAnkiPackageOptions(with_scheduling=False))
    return col.import_anki_package(request).log


def visible(html: str) -> str:
    """Card HTML without style, code and math, where Markdown syntax would be a rendering bug."""
    html = re.sub(r"<style>.*?</style>|<pre>.*?</pre>|<code>.*?</code>", "", html, flags=re.S)
    return re.sub(r"\\\(.*?\\\)|\\(?:\[|&#91;).*?\\\]", "", html, flags=re.S)


@pytest.fixture
def seeds(tmp_path) -> Path:
    folder = tmp_path / "seeds"
    shutil.copytree(SEEDS, folder)
    return folder


def test_seeds_import_into_anki_and_update_in_place(seeds, tmp_path):
    deck = tmp_path / "med.apkg"
    report = quizgen.build([seeds], deck)
    sources, _ = quizgen.pipeline.find_sources([seeds])
    assert report.exit_code == 0 and report.read == sum(len(read_documents(p, name=n)) for p, _, n in sources)
    col = Collection(str(tmp_path / "collection.anki2"))
    try:
        log = import_apkg(col, deck)
        assert len(log.new) == sum(report.cards.values()) - report.cards["mcq"]
        assert col.note_count() == len(log.new)
        assert not col.get_empty_cards().notes
        fronts = set()
        for cid in col.find_cards(""):
            card = col.get_card(cid)
            q, a = card.question(), card.answer()
            assert not RAW_MARKDOWN.search(visible(q) + visible(a)), q
            if card.note_type()["type"] == 1:  # cloze
                assert 'class="cloze"' in q
            text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", re.sub(r"<style>.*?</style>", "", q, flags=re.S)))
            assert text.strip() and text not in fronts
            fronts.add(text)
        assert {d.name for d in col.decks.all_names_and_ids()} >= {"QuickTakes::Medicine", "QuickTakes::Computer Science"}

        # Edit one seed's answer, rebuild: the same notes, the edited one updated, nothing new.
        seed = seeds / "000_61fff66e109f6cc2.txt"
        seed.write_text(seed.read_text(encoding="utf-8").replace(
            "which is the small gap between", "which is the narrow gap between"), encoding="utf-8")
        later = os.stat(seed).st_mtime + 5  # a real edit comes seconds after the build, not in the same one
        os.utime(seed, (later, later))
        quizgen.build([seeds], deck)
        before = col.note_count()
        log = import_apkg(col, deck)
        assert col.note_count() == before and not log.new
        updated = [col.get_note(entry.id.nid) for entry in log.updated]
        edited_doc = {c.id for c in quizgen.pipeline.cards([seed], quizgen.BuildOptions(), quizgen.Report())}
        assert updated and {n.guid for n in updated} <= edited_doc
        assert any("narrow gap" in "".join(n.fields) for n in updated)
    finally:
        col.close()


def test_rebuild_without_changes_adds_and_updates_nothing(seeds, tmp_path):
    deck = tmp_path / "med.apkg"
    quizgen.build([seeds], deck)
    col = Collection(str(tmp_path / "c.anki2"))
    try:
        first = import_apkg(col, deck)
        quizgen.build([seeds], deck)
        second = import_apkg(col, deck)
        assert not second.new and not second.updated and len(second.duplicate) == len(first.new)
    finally:
        col.close()


def test_apkg_is_compressed_and_byte_identical_across_builds(seeds, tmp_path):
    a, b = tmp_path / "a.apkg", tmp_path / "b.apkg"
    quizgen.build([seeds], a)
    quizgen.build([seeds], b)
    assert a.read_bytes() == b.read_bytes()
    with zipfile.ZipFile(a) as z:
        info = z.getinfo("collection.anki2")
        assert info.compress_type == zipfile.ZIP_DEFLATED and info.compress_size < info.file_size / 3


def test_apkg_database_has_genankis_whole_schema_and_is_sound(seeds, tmp_path):
    """Indexes are built after the inserts, on larger pages: the same tables and indexes must come out."""
    deck = tmp_path / "a.apkg"
    quizgen.build([seeds], deck)
    with zipfile.ZipFile(deck) as z:
        z.extract("collection.anki2", tmp_path)
    want = sqlite3.connect(":memory:")
    want.executescript(APKG_SCHEMA)
    got = sqlite3.connect(tmp_path / "collection.anki2")
    try:
        schema = "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name"
        assert got.execute(schema).fetchall() == want.execute(schema).fetchall()
        assert got.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert got.execute("SELECT count(*) FROM notes").fetchone()[0] > 0
    finally:
        got.close()
        want.close()


def test_json_validates_against_the_shipped_schema(seeds, tmp_path):
    out = tmp_path / "deck.json"
    options = quizgen.BuildOptions(kinds=frozenset(quizgen.model.CARD_KINDS))
    report = quizgen.build([seeds], out, options)
    data = json.loads(out.read_text(encoding="utf-8"))
    jsonschema.validate(data, json.loads(schema_text()))
    assert len(data["cards"]) == sum(report.cards.values())
    assert {c["kind"] for c in data["cards"]} >= {"qa", "cloze", "sequence"}  # mcq: tests/test_notes.py
    card = data["cards"][0]
    assert card["deck"] == f"QuickTakes::{card['subject']}" and card["source_url"].startswith("https://")


def test_json_is_byte_identical_and_reads_back(seeds, tmp_path):
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    quizgen.build([seeds], a)
    quizgen.build([seeds], b)
    assert a.read_bytes() == b.read_bytes()
    assert quizgen.load_cards([a]) == list(quizgen.pipeline.cards([seeds], quizgen.BuildOptions(), quizgen.Report()))


def test_output_is_the_same_whatever_the_jobs(tmp_path):
    """Enough documents to start worker processes; each copy gets its own id and question."""
    folder = tmp_path / "many"
    folder.mkdir()
    for n in range(80):
        for seed in sorted(SEEDS.iterdir())[:2]:
            text = seed.read_text(encoding="utf-8")
            text = re.sub(r"^id: .*$", f"id: {n * 10 + len(seed.name)}", text, count=1, flags=re.M)
            text = text.replace("question: >-\n    ", f"question: >-\n    (copy {n}) ", 1)
            (folder / f"{n:03d}-{seed.name}").write_text(text, encoding="utf-8")
    one, two = tmp_path / "one.json", tmp_path / "two.json"
    quizgen.build([folder], one, quizgen.BuildOptions(jobs=1))
    quizgen.build([folder], two, quizgen.BuildOptions(jobs=2))
    assert one.read_bytes() == two.read_bytes()


def test_a_killed_builds_temporary_file_is_removed_by_the_next_build(seeds, tmp_path):
    """SIGKILL gives no chance to clean up: the next build of the same output does it, sparing the
    files of builds still running and anything not named as ours."""
    out = tmp_path / "deck.apkg"
    killed = subprocess.run(
        [sys.executable, "-c",
         "import os, sys; from quizgen.exporters import scratch_path\n"
         "with scratch_path(sys.argv[1], '.db') as db:\n"
         "    open(db, 'wb').write(b'half a deck'); os.kill(os.getpid(), 9)", str(out)],
        capture_output=True)
    assert killed.returncode == -9
    (orphan,) = tmp_path.glob(".deck.apkg.*.db")
    dead = orphan.name.split(".")[3]  # .deck.apkg.<pid>.<random>.db
    running = tmp_path / f".deck.apkg.{os.getpid()}.abcd1234.db"
    not_ours = [tmp_path / f".deck.apkg.{dead}.notes.txt", tmp_path / ".deck.apkg.old.db"]
    for path in [running, *not_ours]:
        path.write_bytes(b"keep")
    quizgen.build([seeds], out)
    assert sorted(p.name for p in tmp_path.glob(".deck.apkg.*")) == sorted(p.name for p in [running, *not_ours])


PROCEDURE = ("A lumbar puncture samples cerebrospinal fluid from the lower back.\\n\\n### Procedure steps\\n\\n"
             "1. **Positioning**: The patient lies curled on one side with the knees drawn to the chest.\\n"
             "2. **Antisepsis**: The skin over the lower spine is cleaned with chlorhexidine solution.\\n"
             "3. **Needle Insertion**: A spinal needle is advanced between the vertebrae into the subarachnoid space.\\n"
             "4. **Fluid Collection**: About 10 mL of fluid is collected into numbered sterile tubes.\\n"
             "5. **Haemostasis**: Pressure and a plaster are applied over the puncture site.\\n")


def _answers_by_guid(col) -> dict[str, tuple[str, int]]:
    """guid -> (the fact a card asks, as its cloze answer or its back, and its review count)."""
    out = {}
    for cid in col.find_cards(""):
        card = col.get_card(cid)
        asked = re.findall(r'<span class="cloze"[^>]*>(.*?)</span>', card.answer(), re.S)
        out[card.note().guid] = (" ".join(asked) or card.note().fields[1], card.reps)
    return out


def test_review_history_stays_with_its_fact_when_a_step_is_inserted_or_removed(tmp_path, anki_import, write_doc):
    """Review every card in real Anki, insert a step and remove another, rebuild and re-import: each
    review is still on a card that asks the same fact, and nothing is duplicated."""
    src = tmp_path / "in"
    doc = write_doc(src, "lp.md", id=4711, question="How is a lumbar puncture performed?", answer=PROCEDURE)
    deck = tmp_path / "lp.apkg"
    quizgen.build([src], deck)
    col = anki_import(deck, tmp_path)
    for cid in col.find_cards(""):  # a real review of every card: Good
        card = col.get_card(cid)
        card.start_timer()
        col.sched.answerCard(card, 3)
    before = _answers_by_guid(col)
    assert len(before) >= 4 and all(reps == 1 for _, reps in before.values())
    assert len(col.find_cards("rated:1")) == len(before)

    edited = (PROCEDURE.replace("2. **Antisepsis**", "2. **Lidocaine Infiltration**: The local anaesthetic is injected into the "
                                "skin and the deeper tissues first.\\n3. **Antisepsis**")
              .replace("5. **Haemostasis**: Pressure and a plaster are applied over the puncture site.\\n", ""))
    write_doc(src, "lp.md", id=4711, question="How is a lumbar puncture performed?", answer=edited)
    later = os.stat(doc).st_mtime + 5
    os.utime(doc, (later, later))
    quizgen.build([src], deck)
    col = anki_import(deck, tmp_path, col)
    after = _answers_by_guid(col)
    for guid, (fact, reps) in before.items():
        if guid in after and reps:
            assert after[guid][0] == fact, (fact, after[guid][0])  # the history is on the same fact
            assert after[guid][1] == reps
    assert "Lidocaine Infiltration" in {f for f, _ in after.values()}  # the new step is a new card
    assert len(after) == len(set(after)) == col.note_count()
