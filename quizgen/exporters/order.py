"""The new-card order of a deck: documents interleaved, so no two neighbouring new cards come from one
document wherever the counts allow it.

Anki's new queue (default options) gathers a deck's new cards by their position (`due`), deck by deck,
and then sorts them by card template / cloze number, keeping that order. So positions are chosen per
deck, cloze number by cloze number (all first cards, then all second cards of sibling notes, ...), and
the decks are then interleaved position by position: whether read by due alone or as Anki gathers
them, neighbours differ in document.

Within one block, each document's cards are spread evenly over the block (its j-th of n cards wants
the place (j + 1/2) / n), taken in that order unless the document just had a turn; a document holding
more than half of what is left goes whenever it may, which is what keeps neighbours apart whenever
any order can.
"""

from __future__ import annotations

from collections.abc import Sequence
from heapq import heapify, heappop, heappush


def spread(runs: Sequence[tuple[int, Sequence[int]]], last: int = -1) -> list[int]:
    """The items of `runs` [(document, items in the document's order), ...] in one order where no two
    neighbours share a document (nor the first item with `last`) whenever that is possible; the runs'
    order breaks ties, so the same runs give the same order."""
    sizes = [len(items) for _, items in runs]
    taken = [0] * len(runs)
    left = sum(sizes)
    most = max(sizes, default=0)
    heap = [(1 / (2 * n), i) for i, n in enumerate(sizes) if n]
    heapify(heap)
    big: list[tuple[int, int]] | None = None  # by cards left, built once some run may hold half of them
    out: list[int] = []
    while left:
        pick = -1
        if left < 2 * most:
            if big is None:
                big = [(-(sizes[i] - taken[i]), i) for i in range(len(runs)) if taken[i] < sizes[i]]
                heapify(big)
            while -big[0][0] != sizes[big[0][1]] - taken[big[0][1]]:  # stale entries
                heappop(big)
            count, m = -big[0][0], big[0][1]
            if 2 * count >= left + 1 and runs[m][0] != last:
                pick = m
        if pick < 0:
            held = None  # the last document's turn, passed over once
            while heap:
                key, i = heappop(heap)
                if taken[i] >= sizes[i] or key != (2 * taken[i] + 1) / (2 * sizes[i]):
                    continue  # stale: this run was taken out of turn
                if runs[i][0] == last and held is None:
                    held = (key, i)
                    continue
                break
            else:  # only the last document has cards left: it goes again
                held, i = None, held[1]
            if held is not None:
                heappush(heap, held)
            pick = i
        out.append(runs[pick][1][taken[pick]])
        taken[pick] += 1
        left -= 1
        last = runs[pick][0]
        if taken[pick] < sizes[pick]:
            heappush(heap, ((2 * taken[pick] + 1) / (2 * sizes[pick]), pick))
            if big is not None:
                heappush(big, (-(sizes[pick] - taken[pick]), pick))
    return out


def interleave(runs: Sequence[tuple[int, Sequence[int]]], last: int = -1) -> list[int]:
    """spread(), quicker for many runs: one sort by the wanted places, a document passed over when it
    just had a turn, and spread() itself for the tail, where one document may hold half of what is left
    (the order is spread()'s wherever no document has to be pushed forward)."""
    most = max((len(items) for _, items in runs), default=0)
    places, docs, flat = [], [], []
    for doc, items in runs:
        n = len(items)
        places.extend([(2 * j + 1) / (2 * n) for j in range(n)])
        docs.extend([doc] * n)
        flat.extend(items)
    order = sorted(range(len(flat)), key=places.__getitem__)  # stable: ties go in run order
    out: list[int] = []
    held: list[int] = []  # places passed over, all of one document (the last one), in order
    h = i = 0
    total = len(order)
    while total - len(out) >= 2 * most:
        if h < len(held) and docs[held[h]] != last:
            k = held[h]
            h += 1
        else:
            while i < total and docs[order[i]] == last:
                held.append(order[i])
                i += 1
            if i == total:
                break
            k = order[i]
            i += 1
        out.append(flat[k])
        last = docs[k]
    rest: dict[int, list[int]] = {}
    for k in sorted(held[h:] + order[i:], key=places.__getitem__):
        rest.setdefault(docs[k], []).append(flat[k])
    out.extend(spread(list(rest.items()), last))
    return out


def new_positions(cards: Sequence[tuple[int, int, int]]) -> list[int]:
    """The new-queue position of each card, from its (deck, document, ordinal); the cards of one document
    come together and in the order they should be learnt."""
    blocks: dict[int, dict[int, dict[int, list[int]]]] = {}  # deck -> ordinal -> document -> cards
    group, key = None, None
    for n, card in enumerate(cards):
        if card != key:
            key = card
            group = blocks.setdefault(card[0], {}).setdefault(card[2], {}).setdefault(card[1], [])
        group.append(n)
    decks = []
    for deck in sorted(blocks):
        order: list[int] = []
        for ord_ in sorted(blocks[deck]):
            last = cards[order[-1]][1] if order else -1
            order.extend(interleave(list(blocks[deck][ord_].items()), last))
        decks.append(order)
    due = [0] * len(cards)
    at = 0
    for p in range(max(map(len, decks), default=0)):
        for order in decks:
            if p < len(order):
                due[order[p]] = at
                at += 1
    return due
