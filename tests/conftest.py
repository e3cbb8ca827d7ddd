"""Shared test helpers: QuickTakes documents written on the fly, and the real Anki backend importing a deck.

Both are plain functions (import them with `from .conftest import write_doc, anki_import`) and fixtures of
the same name (the `anki_import` fixture also closes every collection it opened).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
from pathlib import Path

import pytest
import yaml

ANSWER = (
    "The neuromuscular junction is where a motor neuron meets a muscle fiber. "
    "Transmission happens in a few steps:\\n\\n"
    "1. **Calcium Influx**: An action potential opens channels and calcium ions enter the terminal.\\n\\n"
    "2. **Acetylcholine Release**: Vesicles fuse with the membrane and release acetylcholine.\\n\\n"
    "3. **Receptor Binding**: Acetylcholine binds to nicotinic receptors on the muscle fiber.\\n\\n"
    "4. **Signal Termination**: The enzyme acetylcholinesterase breaks acetylcholine down.\\n\\n"
    "In summary, the junction turns a nerve signal into a muscle contraction."
)
"""A realistic answer, written as the site writes it: Markdown with literal '\\n' sequences."""


def doc_fields(**fields) -> dict:
    """The front-matter fields of a valid QuickTakes document, with `fields` overriding the defaults."""
    front = {
        "id": 910001,
        "date": "2025-01-06",
        "title": "What happens at the neuromuscular junction?",
        "question": "What happens at the neuromuscular junction?",
        "seo": {
            "title": "QuickTakes | Medicine",
            "page_description": "How a nerve signal crosses to a muscle fiber.",
            "page_keywords": "neuromuscular junction, acetylcholine, nicotinic receptors, acetylcholinesterase",
        },
        "answer": ANSWER,
        "subject": "Medicine",
        "url": "/learn/medicine/questions/what-happens-at-the-neuromuscular-junction",
    }
    front.update(fields)
    return front


def doc_bytes(*, drop: Iterable[str] = (), body: str = "&nbsp;\n", **fields) -> bytes:
    """A whole document as bytes: YAML front matter between '---' lines, then `body`.

    `fields` override the defaults of `doc_fields` (a value of None writes a YAML null); names in
    `drop` are left out of the front matter altogether.
    """
    front = {k: v for k, v in doc_fields(**fields).items() if k not in set(drop)}
    text = yaml.safe_dump(front, allow_unicode=True, sort_keys=False, width=10_000)
    return f"---\n{text}---\n{body}".encode("utf-8")


def write_doc(folder: str | os.PathLike, name: str, *, drop: Iterable[str] = (), body: str = "&nbsp;\n",
              **fields) -> Path:
    """Write a valid QuickTakes document to folder/name (folders are created) and return its path.

    `fields` override front-matter fields (e.g. `answer=...`, `id="x"`, `seo={...}`); `drop` removes
    fields (e.g. `drop=["answer"]`). Pass `raw=b"..."` to write exact bytes instead.
    """
    path = Path(folder) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = fields.pop("raw", None)
    path.write_bytes(raw if raw is not None else doc_bytes(drop=drop, body=body, **fields))
    return path


def anki_import(apkg_path: str | os.PathLike, tmp_path: str | os.PathLike, collection=None):
    """Import a .apkg into a fresh Anki collection (or `collection`) with Anki's own backend, as the
    desktop app does, and return the Collection. The import log is on it as `col.import_log`
    (`.new`, `.updated`, `.duplicate`, ...). The caller closes the collection (the fixture does it)."""
    from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

    col = collection
    if col is None:
        folder = Path(tmp_path)
        n = 0
        while (folder / f"collection{n}.anki2").exists():
            n += 1
        col = Collection(str(folder / f"collection{n}.anki2"))
    request = ImportAnkiPackageRequest(package_path=str(apkg_path),
                                       options=ImportAnkiPackageOptions(with_scheduling=False))
    col.import_log = col.import_anki_package(request).log
    return col


@pytest.fixture(name="write_doc")
def _write_doc_fixture():
    """`write_doc(folder, name, **fields)` as a fixture."""
    return write_doc


@pytest.fixture(name="anki_import")
def _anki_import_fixture():
    """`anki_import(apkg_path, tmp_path)` as a fixture; every collection it opened is closed afterwards."""
    opened = []

    def _import(apkg_path, tmp_path, collection=None):
        col = anki_import(apkg_path, tmp_path, collection)
        if collection is None:
            opened.append(col)
        return col

    yield _import
    for col in opened:
        try:
            col.close()
        except Exception:  # already closed by the test
            pass


@pytest.fixture
def browser():
    """A headless Chromium driven by selenium (skipped where Chromium or chromedriver is missing)."""
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_path = shutil.which("chromedriver")
    if not chromium or not driver_path:
        pytest.skip("Chromium and chromedriver are not installed (apt-get install chromium chromium-driver)")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1200,900",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(autouse=True, scope="session")
def _cache_in_a_temporary_folder(tmp_path_factory):
    """Builds in tests (in this process and in the subprocesses they start) keep their card cache in a
    folder of the test session, never in the user's own cache folder."""
    old = os.environ.get("QUIZGEN_CACHE_DIR")
    os.environ["QUIZGEN_CACHE_DIR"] = str(tmp_path_factory.mktemp("quizgen-cache"))
    yield
    if old is None:
        os.environ.pop("QUIZGEN_CACHE_DIR", None)
    else:
        os.environ["QUIZGEN_CACHE_DIR"] = old
