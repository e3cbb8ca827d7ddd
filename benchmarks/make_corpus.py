"""Make a benchmark corpus: N varied QuickTakes documents, made only from the project's own seeds/.

    python benchmarks/make_corpus.py OUT_DIR --docs 5000 [--seed 1]

A benchmark on 5,000 copies of 15 files would flatter the build (identical fronts are dropped,
identical documents merged, caches hit), so every document gets its own integer id and question, and
its answer is shuffled and recombined: sentences permuted inside paragraphs and steps, step order
shuffled, bold terms swapped between steps, keywords bolded in running text, and sections borrowed from
other seeds until the file reaches a realistic 3-10 kB. The YAML keeps the real layout (folded `>-`
scalars, the answer on one line with literal `\\n`). The same --seed and seeds/ give the same bytes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import os
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
FIRST_ID = 2_000_000
MIN_SIZE, MAX_SIZE = 3_000, 10_000
SUBJECTS = (
    "Medicine", "Health Studies", "Computer science", "Computer Science", "Biology", "Chemistry", "Physics",
    "Mathematics", "Economics", "Psychology", "Nursing", "Pharmacology", "Biochemistry", "Public Health",
    "Statistics", "Engineering", "Nutrition", "Physiology", "Immunology", "Data Science",
)
TEMPLATES = (
    "{q}, and how do {k} fit in?", "{q}, with attention to {k}?", "{q}, and where do {k} come in?",
    "{q}, and why do {k} matter?", "{q}, and what roles do {k} play?", "{q}, including {k}?",
)
NL = "\\n"  # the two characters backslash + n that stand for a newline inside the answer
_ITEM = re.compile(r"(\d+)\. ")
_TERM = re.compile(r"\*\*(.+?)\*\*")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z(])")
_SUMMARY = re.compile(r"(in summary|in conclusion|overall)\b", re.I)
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class Seed:
    question: str
    description: str
    keywords: list[str]
    units: list[tuple[str, list[str]]]
    """the answer as (kind, blocks): an 'item' keeps its indented continuation blocks with it"""


# ---------------------------------------------------------------------------------------------- seeds


def load_seeds(folder: Path = SEEDS) -> list[Seed]:
    """Every usable seed document, in file-name order."""
    seeds = []
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() not in (".md", ".txt"):
            continue
        lines = path.read_text(encoding="utf-8").split("\n")
        end = next((n for n in range(1, len(lines)) if lines[n].rstrip() == "---"), None)
        fields = yaml.load("\n".join(lines[1:end]), Loader=_LOADER) if end else None
        if not isinstance(fields, dict) or not fields.get("answer") or not fields.get("question"):
            continue
        seo = fields.get("seo") or {}
        keywords = [k.strip() for k in str(seo.get("page_keywords", "")).split(",") if k.strip()]
        seeds.append(Seed(" ".join(str(fields["question"]).split()), str(seo.get("page_description", "")),
                          keywords, split_units(str(fields["answer"]))))
    if not seeds:
        sys.exit(f"no seed documents in {folder}")
    return seeds


def split_units(answer: str) -> list[tuple[str, list[str]]]:
    """Top-level blocks of an answer, with a fenced code block never cut at a blank line."""
    blocks: list[str] = []
    for part in answer.split(NL + NL):
        if blocks and blocks[-1].count("```") % 2:
            blocks[-1] += NL + NL + part
        else:
            blocks.append(part)
    units: list[tuple[str, list[str]]] = []
    for b in blocks:
        if b[:1] == " " and units and units[-1][0] == "item":
            units[-1][1].append(b)
        elif _ITEM.match(b):
            units.append(("item", [b]))
        else:
            kind = {"#": "heading", "`": "code", "$": "math", "|": "table"}.get(b[:1], "para")
            units.append((kind, [b]))
    return units


# ---------------------------------------------------------------------------------------------- variation


def _safe(text: str) -> bool:
    """Plain prose whose sentences can be moved without breaking math, code, tables or nesting."""
    return not any(c in text for c in ("$", "`", "|", NL))


def permute_sentences(text: str, rng: random.Random) -> str:
    """Shuffle the middle sentences: the first (it carries the topic or the step's term) and a last one
    that introduces a list (ends with ':') stay where they are."""
    if not _safe(text):
        return text
    parts = _SENTENCE.split(text)
    head, tail = parts[:1], parts[-1:] if parts[-1].endswith(":") else []
    middle = parts[1:len(parts) - len(tail)]
    rng.shuffle(middle)
    return " ".join(head + middle + tail) if len(parts) > 2 else text


def bold_keyword(text: str, keyword: str) -> str:
    """Bold the first whole-word occurrence of a keyword that is not already inside bold text."""
    if not _safe(text):
        return text
    taken = [m.span() for m in _TERM.finditer(text)]
    for m in re.finditer(r"(?<![\w*])" + re.escape(keyword) + r"(?![\w*])", text):
        if not any(a <= m.start() < b for a, b in taken):
            return f"{text[:m.start()]}**{m.group()}**{text[m.end():]}"
    return text


def vary_list(items: list[list[str]], rng: random.Random) -> list[list[str]]:
    """A numbered list with its steps shuffled, sometimes two bold terms swapped, and renumbered."""
    items = [list(it) for it in items]
    rng.shuffle(items)
    terms = [_TERM.match(_ITEM.sub("", it[0], 1)) for it in items]
    if len(items) > 2 and all(terms) and rng.random() < 0.5:
        i, j = rng.sample(range(len(items)), 2)
        ti, tj = terms[i].group(1), terms[j].group(1)
        items[i][0] = items[i][0].replace(f"**{ti}**", f"**{tj}**", 1)
        items[j][0] = items[j][0].replace(f"**{tj}**", f"**{ti}**", 1)
    for n, it in enumerate(items, 1):
        body = _ITEM.sub("", it[0], 1)
        it[0] = f"{n}. " + permute_sentences(body, rng)
    return items


def vary_units(units: list[tuple[str, list[str]]], rng: random.Random) -> list[str]:
    """The blocks of a varied answer: lists shuffled as a whole, paragraphs with permuted sentences."""
    out: list[str] = []
    run: list[list[str]] = []
    for kind, blocks in units + [("end", [])]:
        if kind == "item":
            run.append(blocks)
            continue
        if run:
            out.extend(b for it in vary_list(run, rng) for b in it)
            run = []
        if kind == "para":
            out.append(permute_sentences(blocks[0], rng))
        else:
            out.extend(blocks)
    return out


def borrowed_section(seed: Seed, rng: random.Random) -> list[str]:
    """A '### heading' section taken from another seed: a few of its steps, or one of its paragraphs
    (half and half, so that steps per kB stay near those of real documents)."""
    items = [blocks for kind, blocks in seed.units if kind == "item"]
    heading = "### " + seed.question.rstrip("?")
    if len(items) >= 2 and rng.random() < 0.5:
        chosen = rng.sample(items, rng.randint(2, min(4, len(items))))
        return [heading] + [b for it in vary_list(chosen, rng) for b in it]
    paras = [b[0] for kind, b in seed.units if kind == "para" and not _SUMMARY.match(b[0])]
    return [heading, permute_sentences(rng.choice(paras), rng)] if paras else []


# ---------------------------------------------------------------------------------------------- questions


def _join(words: tuple[str, ...]) -> str:
    return ", ".join(words[:-1]) + " and " + words[-1]


def questions(seed: Seed, count: int, salt: str) -> list[str]:
    """`count` distinct questions on a seed: the seed's own, then it with 2, 3, ... of its keywords."""
    rng = random.Random(f"{salt}:questions:{seed.question}")
    out, seen = [seed.question], {seed.question}
    base = seed.question.rstrip("?").rstrip()
    size = 2
    while len(out) < count:
        if size > len(seed.keywords):
            raise SystemExit(f"cannot make {count} distinct questions from: {seed.question}")
        combos = list(itertools.product(itertools.permutations(seed.keywords, size), TEMPLATES))
        rng.shuffle(combos)
        for words, template in combos:
            q = template.format(q=base, k=_join(words))
            if q not in seen:
                seen.add(q)
                out.append(q)
                if len(out) == count:
                    break
        size += 1
    return out


# ---------------------------------------------------------------------------------------------- output


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:90].rstrip("-")


def render(fields: dict) -> str:
    """A document in the exact layout of the seeds (their YAML is hand-shaped, so no yaml.dump)."""
    q = fields["question"]
    lines = [
        "---", "_schema: default", f"id: {fields['id']}", f"date: {fields['date']}",
        "title: >-", f"    {q}", "article_title: >-", f"    {q}",
        "date_format: MMM DD, YYYY", "post_on_text: Posted on", "seo:",
        f"  title: QuickTakes | {fields['subject']}", "  page_description: >-", f"    {fields['description']}",
        "  page_keywords: >-", f"    {fields['keywords']}", "author: QuickTakes",
        "question: >-", f"    {q}", "answer: >-", f"    {fields['answer']}",
        f"subject: {fields['subject']}", f"file_name: {fields['slug']}.md",
        f"url: /learn/{slug(fields['subject'])}/questions/{fields['slug']}", "score: -1.0",
    ]
    for n, rel in enumerate(fields["related"], 1):
        lines += [f"related_article{n}:", f"    id: {rel['id']}", "    title: >-", f"        {rel['question']}",
                  f"    subject: {rel['subject']}",
                  f"    url: /learn/{slug(rel['subject'])}/questions/{slug(rel['question'])}"]
    return "\n".join(lines + ["---", "", "&nbsp;"])


def make(out_dir: str | os.PathLike, docs: int, seed: int = 1, seeds_dir: Path = SEEDS) -> list[Path]:
    """Write `docs` documents into out_dir; returns their paths."""
    seeds = load_seeds(seeds_dir)
    per_seed = -(-docs // len(seeds))
    asked = [questions(s, per_seed, str(seed)) for s in seeds]
    plan = []  # (seed index, question, subject) for every document, so related articles can name others
    for i in range(docs):
        rng = random.Random(f"{seed}:plan:{i}")
        plan.append((i % len(seeds), asked[i % len(seeds)][i // len(seeds)], rng.choice(SUBJECTS)))
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, (s, question, subject) in enumerate(plan):
        path = out / f"{FIRST_ID + i}-{slug(question)}.md"
        path.write_text(document(i, seeds, s, question, subject, plan, seed), encoding="utf-8")
        paths.append(path)
    return paths


def document(i: int, seeds: list[Seed], s: int, question: str, subject: str, plan: list, seed: int) -> str:
    """The text of document i: seed s varied, grown with borrowed sections to a drawn target size."""
    rng = random.Random(f"{seed}:doc:{i}")
    source = seeds[s]
    blocks = vary_units(source.units, rng)
    keywords = source.keywords[:]
    rng.shuffle(keywords)
    for kw in rng.sample(keywords, min(2, len(keywords))):
        for n, b in enumerate(blocks):
            if not _ITEM.match(b) and b[:1] not in "#`$| " and (bolded := bold_keyword(b, kw)) != b:
                blocks[n] = bolded
                break
    related = [{"id": FIRST_ID + j, "question": plan[j][1], "subject": plan[j][2]}
               for j in rng.sample(range(len(plan)), min(len(plan), rng.randint(0, 4))) if j != i]
    fields = {
        "id": FIRST_ID + i, "question": question, "subject": subject, "description": source.description,
        "slug": slug(question), "related": related, "sep": "," if rng.random() < 0.3 else ", ",
        "date": dt.date(2023, 1, 1) + dt.timedelta(days=rng.randrange(900)),
    }

    def text() -> str:
        fields["keywords"] = fields["sep"].join(dict.fromkeys(keywords))
        fields["answer"] = (NL + NL).join(blocks)
        return render(fields)

    target = MIN_SIZE + int(rng.expovariate(1 / 1_800))  # median ~4.3 kB like real documents, tail to 10 kB
    at = len(blocks) - 1 if _SUMMARY.match(blocks[-1]) else len(blocks)
    others = [o for n, o in enumerate(seeds) if n != s] or seeds
    current = text()
    for _ in range(30):
        if len(current.encode()) >= min(target, MAX_SIZE - 500):
            break
        other = rng.choice(others)
        extra = borrowed_section(other, rng)
        before = (blocks[:], keywords[:])
        blocks[at:at] = extra
        keywords += rng.sample(other.keywords, min(2, len(other.keywords)))
        grown = text()
        if len(grown.encode()) > MAX_SIZE:
            blocks, keywords = before
            continue
        at += len(extra)
        current = grown
    return current


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out_dir")
    parser.add_argument("--docs", type=int, default=1000, help="how many documents (default 1000)")
    parser.add_argument("--seed", type=int, default=1, help="variation seed (default 1)")
    args = parser.parse_args(argv)
    paths = make(args.out_dir, args.docs, args.seed)
    total = sum(p.stat().st_size for p in paths)
    print(f"{len(paths)} documents, {total / 1e6:.1f} MB (mean {total / max(1, len(paths)) / 1e3:.1f} kB) -> {args.out_dir}")


if __name__ == "__main__":
    main()
