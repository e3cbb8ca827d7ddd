"""Benchmark `quizgen build` against the floor of reading the same files and loading their YAML.

    python benchmarks/run.py [--docs N] [--jobs N] [--repeat 2] [--peer-python PY]   # ../shared/bench-corpus
    python benchmarks/run.py --corpus generated --docs 5000 [--keep DIR]   # a corpus made from seeds/
    python benchmarks/run.py --scaling            # 5,000 then 20,000 generated documents: is the cost linear?
    python benchmarks/run.py --docs 2000 --profile /tmp/bench_profile.txt   # where the time goes
    python benchmarks/run.py --docs 2000 --stages   # each stage's cost in one process, against the floor

The corpus is ../shared/bench-corpus (5,000 real documents) when it is there, else one generated from
seeds/; one run reports the floor, a cold .apkg build, a rebuild with nothing changed, a rebuild with 1%
of the files edited, the careful genanki script on the same files, peak memory and start-up.
Everything is measured in one run on one corpus, so the ratios hold on any machine even when the
absolute times do not. Builds run as `python -m quizgen build DIR -o OUT -q` subprocesses (the real
CLI, interpreter start included); peak memory is the largest sum of PSS over the build's process
tree (workers included), sampled from /proc every 20 ms. Targets are reported as met or missed,
never asserted: the exit status is 0 unless a build fails.
"""

from __future__ import annotations

import argparse
import filecmp
import gc
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_corpus  # noqa: E402

COLD_TARGET = 4.0
"""a cold .apkg build may take at most this many times the floor"""
SAME_TARGET = 1.5
"""a rebuild with nothing changed, at most this many times the floor"""
EDITED_TARGET = 2.0
"""a rebuild with 1% of the files edited, at most this many times the floor"""
HELP_TARGET = 0.3
"""seconds `quizgen --help` (the least of 10 runs) and a build of one file with `--no-cache` (the least of 3) may take"""
LINEAR_TOLERANCE = 0.10
"""per-document cost at 20,000 documents within this of the cost at 5,000"""
MEMORY_TARGETS = ((5_000, 400), (20_000, 1024))
"""(up to this many documents, peak MiB)"""
ROOT = Path(__file__).resolve().parent.parent
REAL_CORPUS = ROOT.parent / "shared" / "bench-corpus"
"""5,000 real documents beside a checkout of the team's workspace (measured when it is there)"""
CAREFUL = ROOT.parent / "shared" / "peers" / "careful_genanki.py"
"""the script a competent user would write with genanki (the peer the cold build is compared with)"""
MARKER = ".corpus.json"
"""what a kept corpus was made with (a hidden file: quizgen and the floor both skip it)"""


# ---------------------------------------------------------------------------------------------- corpus


def corpus(docs: int, seed: int, keep: str | None) -> tuple[Path, tempfile.TemporaryDirectory | None]:
    """A corpus folder of `docs` documents, reused from --keep when it was made with the same settings."""
    tmp = None
    if keep:
        folder = Path(keep) / f"docs{docs}-seed{seed}"
    else:
        tmp = tempfile.TemporaryDirectory(prefix="quizgen-bench-")
        folder = Path(tmp.name) / "corpus"
    marker = folder / MARKER
    wanted = {"docs": docs, "seed": seed, "source": _source_digest()}
    if not (marker.is_file() and json.loads(marker.read_text()) == wanted):
        if folder.exists():
            for old in folder.iterdir():
                if old.is_file():
                    old.unlink()
        make_corpus.make(folder, docs, seed)
        marker.write_text(json.dumps(wanted))
    return folder, tmp


def _source_digest() -> str:
    """Changes whenever the generator or a seed does, so a kept corpus is never stale."""
    h = hashlib.blake2b(Path(make_corpus.__file__).read_bytes(), digest_size=8)
    for p in sorted(make_corpus.SEEDS.iterdir()):
        if p.is_file():
            h.update(p.name.encode() + p.read_bytes())
    return h.hexdigest()


def code_digest() -> str:
    """Which quizgen was measured (others edit it while benchmarks run): a digest of its sources."""
    h = hashlib.blake2b(digest_size=6)
    for p in sorted((Path(__file__).resolve().parent.parent / "quizgen").rglob("*.py")):
        h.update(p.read_bytes())
    return h.hexdigest()


def files_of(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix in (".md", ".txt") and not p.name.startswith("."))


# ---------------------------------------------------------------------------------------------- measures


def floor_once(folder: Path) -> int:
    """The least any build must do: list, read and decode every file and load its front matter with
    PyYAML's C loader, in one process. Returns how many front matters loaded as mappings."""
    loaded = 0
    for path in files_of(folder):
        with open(path, "rb") as f:
            text = f.read().decode("utf-8")
        end = text.find("\n---", 3)
        if isinstance(yaml.load(text[4:end], Loader=yaml.CSafeLoader), dict):
            loaded += 1
    return loaded


def floor(folder: Path, repeat: int = 3) -> float:
    """Best of `repeat` wall times of floor_once."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        floor_once(folder)
        best = min(best, time.perf_counter() - start)
    return best


def _children() -> dict[int, list[int]]:
    """ppid -> pids, from /proc/<pid>/stat (the kernel here has no /proc/<pid>/task/*/children)."""
    tree: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            tree.setdefault(ppid, []).append(int(name))
    return tree


def descendants(pid: int) -> list[int]:
    """A process and all its descendants."""
    tree, todo, out = _children(), [pid], []
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(tree.get(p, ()))
    return out


def rss(pids: list[int]) -> int:
    """Memory in bytes of these processes (those that are gone count 0): the sum of their PSS, where a
    page that forked workers share with their parent counts once, divided among them (VmRSS would count
    it in each), or of VmRSS where the kernel gives no smaps_rollup."""
    total = 0
    for p in pids:
        for name, key in ((f"/proc/{p}/smaps_rollup", "Pss:"), (f"/proc/{p}/status", "VmRSS:")):
            try:
                with open(name) as f:
                    line = next((line for line in f if line.startswith(key)), None)
            except OSError:
                continue
            if line is not None:
                total += int(line.split()[1]) * 1024
                break
    return total


def tree_rss(pid: int) -> int:
    """Memory in bytes of a process tree (see rss)."""
    return rss(descendants(pid))


@dataclass
class Run:
    """One measured command."""

    seconds: float
    peak: int
    size: int
    code: int
    stderr: str


def run_command(cmd: list[str], output: Path | None, env: dict | None = None, timeout: float | None = None) -> Run:
    """One subprocess: wall time, peak RSS of its process tree, the output's size. A command still
    running after `timeout` seconds is killed with its workers and reported as failed (exit code -9)."""
    peak, done = [0], threading.Event()
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)

    def sample():  # walking all of /proc costs ~2 ms, so the tree is re-read every 10th sample only
        n, pids = 0, [proc.pid]
        while not done.is_set():
            if n % 10 == 0:
                pids = descendants(proc.pid)
            peak[0] = max(peak[0], rss(pids))
            n += 1
            done.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        _, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        for pid in reversed(descendants(proc.pid)):  # only the command we started and its workers
            try:
                os.kill(pid, 9)
            except OSError:
                pass
        _, err = proc.communicate()
        err = f"timed out after {timeout:.0f} s\n{err}"
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    size = output.stat().st_size if output is not None and output.exists() else 0
    return Run(seconds, peak[0], size, proc.returncode, err)


def build_command(folder: Path, output: Path, jobs: int | None, *extra: str) -> list[str]:
    cmd = [sys.executable, "-m", "quizgen", "build", str(folder), "-o", str(output), "-q", *extra]
    return cmd + (["--jobs", str(jobs)] if jobs is not None else [])


def run_build(folder: Path, output: Path, jobs: int | None, timeout: float | None = None, *extra: str,
              env: dict | None = None) -> Run:
    """One `quizgen build` subprocess (see run_command)."""
    return run_command(build_command(folder, output, jobs, *extra), output, env, timeout)


def _timeout(folder: Path) -> float:
    return 120 + 0.05 * len(files_of(folder))  # well past today's cost: a hung build must not hang the run


def _checked(run: Run, what: str) -> Run:
    if run.code != 0:
        sys.exit(f"{what} failed (exit {run.code}):\n{run.stderr}")
    return run


def best_build(folder: Path, output: Path, jobs: int | None, repeat: int, *extra: str,
               env: dict | None = None, before=None) -> Run:
    """Best wall time of `repeat` builds (`before()` runs ahead of each, untimed); the peak memory is
    the largest seen in any of them."""
    runs = []
    for n in range(repeat):
        if before:
            before(n)
        runs.append(_checked(run_build(folder, output, jobs, _timeout(folder), *extra, env=env),
                             f"build of {folder} to {output}"))
    return _best(runs)


def _best(runs: list[Run]) -> Run:
    """The fastest of some runs, with the largest peak memory seen in any of them."""
    best = min(runs, key=lambda r: r.seconds)
    return Run(best.seconds, max(r.peak for r in runs), best.size, best.code, best.stderr)


def edit(files: list[Path], share: float, round_: int) -> list[Path]:
    """Edit every 1/share-th file (`share` of them, at least one), a different edit each round: a line
    appended to its body, so that its bytes, and nothing else a reader would see, change."""
    step = max(1, round(1 / share))
    edited = files[::step]
    for p in edited:
        with open(p, "a", encoding="utf-8") as f:
            f.write(f"\n<!-- edited {round_} -->\n")
    return edited


def min_time(cmd: list[str], times: int, env: dict | None = None) -> float:
    """The least wall time of `times` runs of a short command (start-up: the minimum is its cost)."""
    best = float("inf")
    for _ in range(times):
        start = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=True)
        best = min(best, time.perf_counter() - start)
    return best


# ---------------------------------------------------------------------------------------------- report


def _mib(n: int) -> float:
    return n / 2**20


def _mark(ok: bool) -> str:
    return "met" if ok else "MISSED"


def memory_target(docs: int) -> int | None:
    return next((mib for limit, mib in MEMORY_TARGETS if docs <= limit), None)


def real_corpus(docs: int | None, work: Path, source: Path = REAL_CORPUS) -> Path | None:
    """A working copy of the first `docs` files of the real benchmark corpus (all of them when None),
    or None when it is not there. A copy: the 1% rebuild edits files."""
    if not source.is_dir():
        return None
    files = files_of(source)
    if not files:
        return None
    folder = work / "corpus"
    folder.mkdir()
    for p in files[:docs] if docs else files:
        shutil.copy2(p, folder / p.name)
    return folder


def careful_command(folder: Path, output: Path, python: str) -> list[str] | None:
    """How the careful genanki script is run on `folder`, or None when it or its environment (genanki,
    mistune 3, PyYAML with libyaml, in `python`) is not there."""
    if not CAREFUL.is_file():
        return None
    try:
        probe = subprocess.run([python, "-c", "import genanki, mistune, yaml; yaml.CSafeLoader"],
                               capture_output=True)
    except OSError:  # no such Python
        return None
    if probe.returncode != 0:
        return None
    return [python, str(CAREFUL), str(folder), str(output)]


def bench(docs: int | None, jobs: int | None, keep: str | None, seed: int, repeat: int, out=print,
          corpus_dir: str | None = None, peer_python: str | None = None, edited_share: float = 0.01) -> dict:
    """In one run, on one corpus (the real benchmark corpus when it is there, else a generated one): the
    floor; a cold .apkg build (empty cache); a rebuild with nothing changed; a rebuild with `edited_share`
    of the files edited; the careful genanki script on the same files; start-up; peak memory; and
    whether every build's output is the bytes of a --no-cache --jobs 1 build. Returns the figures."""
    load = os.getloadavg()[0]  # others' work on the machine skews every figure: say how busy it was
    code, started = code_digest(), time.strftime("%Y-%m-%d %H:%M")
    scratch = tempfile.TemporaryDirectory(prefix="quizgen-bench-")
    work = Path(scratch.name)
    tmp = None
    try:
        folder = None if corpus_dir == "generated" else real_corpus(
            docs, work, Path(corpus_dir) if corpus_dir else REAL_CORPUS)
        kind = "real"
        if folder is None:
            kind = "generated"
            made, tmp = corpus(docs or 5000, seed, keep)
            folder = work / "corpus"
            shutil.copytree(made, folder)  # a copy: the 1% rebuild edits files
        files = files_of(folder)
        docs = len(files)
        total = sum(p.stat().st_size for p in files)
        env = dict(os.environ, QUIZGEN_CACHE_DIR=str(work / "cache"))  # a cache of this run's own
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # quizgen runs as installed: from its compiled bytecode
        one = files[0]
        _checked(run_build(one, work / "warm.apkg", None, None, "--no-cache", env=env), "warm-up build")
        floor_s = floor(folder)
        rows: dict[str, Run] = {}
        careful = careful_command(folder, work / "careful.apkg", peer_python or sys.executable)
        colds, carefuls = [], []
        for _ in range(repeat):  # taken in turns, so that the machine's slow minutes fall on both
            shutil.rmtree(work / "cache", ignore_errors=True)
            colds.append(_checked(run_build(folder, work / "cold.apkg", jobs, _timeout(folder), env=env),
                                  "cold build"))
            if careful:
                carefuls.append(_checked(run_command(careful, work / "careful.apkg", env, _timeout(folder)),
                                         "careful script"))
        rows["cold .apkg (empty cache)"] = _best(colds)
        rows["rebuild, nothing changed"] = best_build(folder, work / "same.apkg", jobs, repeat, env=env)
        same = filecmp.cmp(work / "cold.apkg", work / "same.apkg", shallow=False)
        _checked(run_build(folder, work / "pure.apkg", 1, _timeout(folder), "--no-cache", env=env),
                 "--no-cache --jobs 1 build")
        identical = {"cold (cache filling) = --no-cache --jobs 1": filecmp.cmp(
                         work / "cold.apkg", work / "pure.apkg", shallow=False),
                     "rebuild from the cache = cold": same}
        rows[f"rebuild, {edited_share:.0%} edited"] = best_build(
            folder, work / "edited.apkg", jobs, repeat, env=env, before=lambda n: edit(files, edited_share, n))
        _checked(run_build(folder, work / "edited-pure.apkg", 1, _timeout(folder), "--no-cache", env=env),
                 "--no-cache build of the edited files")
        identical[f"{edited_share:.0%} edited rebuild = its --no-cache --jobs 1 build"] = filecmp.cmp(
            work / "edited.apkg", work / "edited-pure.apkg", shallow=False)
        if carefuls:
            rows["careful genanki script"] = _best(carefuls)
        script = Path(sys.executable).with_name("quizgen")  # the console script a user runs
        help_cmd = [str(script)] if script.is_file() else [sys.executable, "-m", "quizgen"]
        help_s = min_time(help_cmd + ["--help"], 10, env)
        one_s = min_time(build_command(one, work / "one.apkg", None, "--no-cache"), 3, env)
    finally:
        scratch.cleanup()
        if tmp:
            tmp.cleanup()

    where = "real documents" if kind == "real" else "generated from seeds/"
    out(f"\ncorpus: {docs} documents ({where}), {total / 1e6:.1f} MB (mean {total / docs / 1e3:.1f} kB), "
        f"{os.cpu_count()} CPUs, load average {load:.1f} at start, python {sys.version.split()[0]}")
    out(f"started {started}, quizgen sources {code}" + ("" if code == code_digest() else ", CHANGED during the run")
        + f"; builds with jobs {'default' if jobs is None else jobs}, best of {repeat} where repeated")
    out(f"{'step':<34}{'wall s':>8}{'x floor':>9}{'ms/doc':>8}{'peak MiB':>10}{'output MB':>11}")
    out(f"{'floor (read + CSafeLoader)':<34}{floor_s:>8.2f}{1:>9.2f}{floor_s / docs * 1e3:>8.3f}{'':>10}{'':>11}")
    for name, r in rows.items():
        out(f"{name:<34}{r.seconds:>8.2f}{r.seconds / floor_s:>9.2f}{r.seconds / docs * 1e3:>8.3f}"
            f"{_mib(r.peak):>10.0f}{r.size / 1e6:>11.1f}")
    out(f"{'start-up: quizgen --help (min 10)':<34}{help_s:>8.3f}")
    out(f"{'build of 1 file, --no-cache (min 3)':<34}{one_s:>8.3f}")
    for what, ok in identical.items():
        out(f"output: {what}: {'identical' if ok else 'DIFFERENT'}")
    cold = rows["cold .apkg (empty cache)"]
    ratios = {name: r.seconds / floor_s for name, r in rows.items()}
    peak = max(_mib(r.peak) for name, r in rows.items() if not name.startswith("careful"))
    targets = [(f"cold .apkg <= {COLD_TARGET}x floor", f"{ratios['cold .apkg (empty cache)']:.2f}x",
                ratios["cold .apkg (empty cache)"] <= COLD_TARGET),
               (f"rebuild, nothing changed <= {SAME_TARGET}x floor", f"{ratios['rebuild, nothing changed']:.2f}x",
                ratios["rebuild, nothing changed"] <= SAME_TARGET)]
    edited_row = f"rebuild, {edited_share:.0%} edited"
    targets.append((f"{edited_row} <= {EDITED_TARGET}x floor", f"{ratios[edited_row]:.2f}x",
                    ratios[edited_row] <= EDITED_TARGET))
    if "careful genanki script" in rows:
        c = rows["careful genanki script"].seconds
        targets.append(("cold .apkg no slower than the careful script", f"{cold.seconds / c:.2f}x its time",
                        cold.seconds <= c))
    else:
        out("careful script: not run (needs ../shared/peers/careful_genanki.py and, in --peer-python, "
            "genanki, mistune 3 and PyYAML with libyaml)")
    limit = memory_target(docs)
    if limit:
        targets.append((f"peak memory <= {limit} MiB", f"{peak:.0f} MiB", peak <= limit))
    targets.append(("output identical whatever --jobs and the cache", "", all(identical.values())))
    targets.append((f"quizgen --help < {HELP_TARGET} s", f"{help_s:.3f} s", help_s < HELP_TARGET))
    targets.append((f"build of 1 file < {HELP_TARGET} s", f"{one_s:.3f} s", one_s < HELP_TARGET))
    for what, value, ok in targets:
        out(f"target {what}: {value + ' ' if value else ''}{_mark(ok)}")
    return {"docs": docs, "corpus": kind, "floor": floor_s, "build": cold.seconds,
            "ratio": ratios["cold .apkg (empty cache)"], "ratios": ratios, "peak_mib": peak,
            "identical": identical, "help": help_s, "one_file": one_s,
            "rows": {name: vars(r) | {"stderr": ""} for name, r in rows.items()}}


def profile(docs: int, keep: str | None, seed: int, report: str, top: int = 25) -> None:
    """cProfile an in-process `quizgen.build(..., BuildOptions(jobs=1))` to .apkg: where the time goes."""
    import cProfile
    import io
    import pstats

    import quizgen

    folder, tmp = corpus(docs, seed, keep)
    try:
        with tempfile.TemporaryDirectory() as out:
            options = quizgen.BuildOptions(jobs=1, cache=False)  # every document made, each time
            quizgen.build([folder], Path(out) / "warm.apkg", options)  # imports, caches
            prof = cProfile.Profile()
            start = time.perf_counter()
            prof.runcall(quizgen.build, [folder], Path(out) / "deck.apkg", options)
            seconds = time.perf_counter() - start
    finally:
        if tmp:
            tmp.cleanup()
    text = io.StringIO()
    text.write(f"in-process build of {docs} documents to .apkg, jobs=1: {seconds:.2f} s under cProfile "
               f"({time.strftime('%Y-%m-%d %H:%M')}, quizgen sources {code_digest()})\n")
    for order in ("cumulative", "tottime"):
        text.write(f"\n===== top {top} by {order} =====\n")
        pstats.Stats(prof, stream=text).strip_dirs().sort_stats(order).print_stats(top)
    Path(report).write_text(text.getvalue())
    print(f"profile of {docs} documents: {seconds:.2f} s under cProfile -> {report}")


def stages(docs: int, keep: str | None, seed: int, repeat: int = 5, out=print) -> dict[str, float]:
    """Each stage of an .apkg build timed alone in one process (best of `repeat`), in ms per document.

    The parallel build cannot beat its CPU shared over the cores, plus the deflate, which runs alone
    once the database is whole: these figures say what bounds the ratio to the floor.
    """
    import quizgen
    from quizgen import generator, quality
    from quizgen.exporters import anki

    def best(run) -> float:
        times = []
        for _ in range(repeat):
            _forget()
            start = time.perf_counter()
            run()
            times.append(time.perf_counter() - start)
        return min(times) / docs * 1e3

    folder, tmp = corpus(docs, seed, keep)
    try:
        with tempfile.TemporaryDirectory() as work:
            paths = [str(p) for p in files_of(folder)]
            db, deck = os.path.join(work, "c.db"), os.path.join(work, "c.apkg")

            def fill():
                if os.path.exists(db):
                    os.remove(db)
                anki._fill(db, cards, anki.DEFAULT_DECK, {})

            # a build streams; here every stage's input is held at once, and the garbage collector
            # would walk it all again and again: held inputs are frozen out of its sight
            ms = {"floor (read + CSafeLoader)": best(lambda: floor_once(folder))}
            documents = [quizgen.read_file(p) for p in paths]
            gc.freeze()
            ms["parse (includes the floor)"] = best(lambda: [quizgen.read_file(p) for p in paths])
            cards = [c for d in documents for c in generator.generate(d)]
            gc.freeze()
            ms["generate cards"] = best(lambda: [generator.generate(d) for d in documents])
            ms["front keys (duplicates)"] = best(lambda: quality.front_keys(cards))
            ms["SQLite fill"] = best(fill)
            ms["deflate"] = best(lambda: anki._zip(db, deck))
    finally:
        gc.unfreeze()
        if tmp:
            tmp.cleanup()
    base = ms["floor (read + CSafeLoader)"]
    out(f"\n{docs} documents, {len(cards) / docs:.1f} cards each, one process, best of {repeat}, "
        f"quizgen sources {code_digest()}")
    out(f"{'stage':<30}{'ms/doc':>8}{'x floor':>9}")
    for name, value in ms.items():
        out(f"{name:<30}{value:>8.3f}{value / base:>9.2f}")
    cores = os.cpu_count() or 1

    def least(*names: str) -> float:
        """The least wall time of these stages on every core, the deflate alone after them, x floor."""
        return (sum(ms[n] for n in names) / cores + ms["deflate"]) / base

    everything = [n for n in ms if not n.startswith(("floor", "deflate"))]
    out(f"on {cores} cores a build takes at least {least(*everything):.2f}x the floor")
    out(f"  with no card making at all: {least('parse (includes the floor)', 'SQLite fill'):.2f}x")
    out(f"  with no Markdown either (the floor, the SQLite fill and the deflate alone): "
        f"{least('floor (read + CSafeLoader)', 'SQLite fill'):.2f}x")
    return ms


def _forget() -> None:
    """Empty quizgen's caches (stems, words of a sentence, ...): a build reads each document once, and a
    stage timed on documents it has already seen would be timed with its caches full."""
    import quizgen.exporters.anki
    import quizgen.generator
    import quizgen.text

    for module in (quizgen.text, quizgen.generator, quizgen.exporters.anki):
        for value in vars(module).values():
            if callable(getattr(value, "cache_clear", None)):
                value.cache_clear()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=None, help="corpus size (default: every file of the real "
                        "corpus, else 5000 generated)")
    parser.add_argument("--corpus", metavar="DIR", help="documents to measure (default ../shared/bench-corpus "
                        "when it is there); 'generated' for a corpus made from seeds/")
    parser.add_argument("--peer-python", metavar="PY", help="the Python that runs the careful genanki script "
                        "(it needs genanki, mistune 3 and PyYAML with libyaml; default: this one)")
    parser.add_argument("--jobs", type=int, default=None, help="--jobs for the main builds (default: quizgen's)")
    parser.add_argument("--keep", metavar="DIR", help="make the corpus under DIR and keep it; reuse it next time")
    parser.add_argument("--seed", type=int, default=1, help="corpus variation seed (default 1)")
    parser.add_argument("--repeat", type=int, default=2, help="builds per measure, best time kept (default 2)")
    parser.add_argument("--scaling", action="store_true", help="run 5000 and 20000 documents and compare")
    parser.add_argument("--profile", metavar="FILE", help="instead: cProfile an in-process build of --docs "
                        "documents (jobs=1) and write the top functions to FILE")
    parser.add_argument("--stages", action="store_true", help="instead: time each stage of an .apkg build "
                        "in one process (--docs documents) against the floor")
    args = parser.parse_args(argv)
    if args.stages:
        stages(args.docs or 2000, args.keep, args.seed)
        return 0
    if args.profile:
        profile(args.docs or 2000, args.keep, args.seed, args.profile)
        return 0
    sizes = (5_000, 20_000) if args.scaling else (args.docs,)
    results = [bench(n, args.jobs, args.keep, args.seed, args.repeat, corpus_dir="generated" if args.scaling
                     else args.corpus, peer_python=args.peer_python) for n in sizes]
    if args.scaling:
        small, large = results
        per = [r["build"] / r["docs"] * 1e3 for r in results]
        growth = per[1] / per[0]
        print(f"\nscaling .apkg: {per[0]:.3f} ms/doc at {small['docs']}, {per[1]:.3f} ms/doc at {large['docs']}: "
              f"x{growth:.3f} {_mark(abs(growth - 1) <= LINEAR_TOLERANCE)} (target within {LINEAR_TOLERANCE:.0%})")
        # the two sizes run minutes apart, and a shared machine's speed drifts: the floor, measured again
        # at each size, shows how much, and the ratio to it is free of the drift
        drift = (large["floor"] / large["docs"]) / (small["floor"] / small["docs"])
        print(f"  the floor per document moved x{drift:.3f} between the two runs; the build's ratio to it "
              f"moved x{large['ratio'] / small['ratio']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
