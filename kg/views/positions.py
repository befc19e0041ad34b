"""Node positions for big views, computed in Python so the browser draws without physics.

A view with more than a few hundred nodes would take vis-network many seconds to settle
in the browser, so :mod:`kg.views.render` lays it out here and turns physics off.
networkx's ``spring_layout`` is too slow for that (11 s for 2,000 nodes on this
machine, 47 s for 5,000), so this module does it in three numpy steps:

1. **Pivot MDS** (Brandes & Pich 2006) gives each connected component its global shape
   from breadth-first distances to a few far-apart pivot nodes;
2. points that land on the same spot (the leaves of one hub) are spread on a
   sunflower spiral;
3. **Fruchterman–Reingold** steps with grid-limited repulsion (each node is pushed
   only by nodes closer than two spring lengths) untangle the neighbourhoods.

Nodes are kept their radii apart. Components are packed in rows, biggest first, once
more after refinement, by the room each then takes. 2,000 nodes take about a second.
The result depends only on the ids and links given, in their order.

Examples
--------
>>> pos = layout_positions(["大党委", "银川市", "红河州"], [("银川市", "大党委"), ("红河州", "大党委")])
>>> sorted(pos)
['大党委', '红河州', '银川市']
>>> pos == layout_positions(["大党委", "银川市", "红河州"], [("银川市", "大党委"), ("红河州", "大党委")])
True
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence

import numpy as np

__all__ = ["layout_positions"]

#: Pivots for Pivot MDS: enough for a stable shape, few enough for fast searches.
PIVOTS = 40
#: Area per node, in squared spring lengths, of a component before refinement.
DENSITY = 3.0
#: The golden angle, which spreads points on a spiral without lining them up.
GOLDEN = 2.399963229728653


def layout_positions(
    ids: Sequence[str], links: Iterable[tuple[str, str]], *, radii: Sequence[float] | None = None,
    unit: float = 60.0,
) -> dict[str, tuple[float, float]]:
    """Positions for a graph, one spring length being ``unit`` pixels.

    Parameters
    ----------
    ids : the node ids, in a stable order (it decides ties)
    links : ``(source, target)`` pairs of node ids; unknown ids and self-loops are ignored
    radii : each node's radius in the output's units, in the order of ``ids``; nodes are
        kept at least their two radii apart (default: points)
    unit : the length of one spring in the output's units (vis-network pixels)

    Returns
    -------
    dict
        ``id → (x, y)``, rounded to one decimal.

    Examples
    --------
    >>> pos = layout_positions(["a", "b"], [("a", "b")], unit=100)
    >>> x0, y0 = pos["a"]; x1, y1 = pos["b"]
    >>> 50 < ((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5 < 200
    True
    """
    index = {node_id: i for i, node_id in enumerate(ids)}
    n = len(index)
    if n == 0:
        return {}
    pairs = [(index[a], index[b]) for a, b in links if a in index and b in index and a != b]
    src = np.array([a for a, _ in pairs], dtype=np.int64)
    dst = np.array([b for _, b in pairs], dtype=np.int64)
    adjacency: list[list[int]] = [[] for _ in range(n)]
    for a, b in pairs:
        adjacency[a].append(b)
        adjacency[b].append(a)
    radius = np.minimum(np.asarray(radii if radii is not None else [0.0] * n, dtype=float) / unit, 0.9)
    pos = np.zeros((n, 2))
    components = _components(adjacency)
    shelf = _Shelf([len(members) * DENSITY for members in components])
    for members in components:
        local = _pivot_mds(members, adjacency) if len(members) > 2 else _line(len(members))
        pos[members] = shelf.place(local)
    iterations = 40 if n <= 1000 else 30 if n <= 3000 else 20
    pos = _refine(pos, src, dst, radius, iterations=iterations)
    pos = _refine(pos, src[:0], dst[:0], radius, iterations=6, springs=False)  # overlaps only
    boxes = [pos[members] for members in components]
    shelf = _Shelf([float(np.prod(b.max(axis=0) - b.min(axis=0) + 2.5)) for b in boxes])
    for members, points in zip(components, boxes):
        pos[members] = shelf.place(points)
    pos = (pos - (pos.min(axis=0) + pos.max(axis=0)) / 2) * unit
    return {node_id: (round(float(pos[i, 0]), 1), round(float(pos[i, 1]), 1)) for node_id, i in index.items()}


def _components(adjacency: list[list[int]]) -> list[list[int]]:
    """Connected components as lists of node indices, biggest first, ties by first node."""
    seen = [False] * len(adjacency)
    found = []
    for start in range(len(adjacency)):
        if seen[start]:
            continue
        seen[start] = True
        members, queue = [start], deque([start])
        while queue:
            for nxt in adjacency[queue.popleft()]:
                if not seen[nxt]:
                    seen[nxt] = True
                    members.append(nxt)
                    queue.append(nxt)
        found.append(members)
    return sorted(found, key=len, reverse=True)


def _line(count: int) -> np.ndarray:
    """One or two nodes: a point, or a segment of one spring length."""
    return np.array([[0.0, 0.0], [1.0, 0.0]])[:count]


def _pivot_mds(members: list[int], adjacency: list[list[int]]) -> np.ndarray:
    """Pivot MDS of one component, scaled to :data:`DENSITY` and with coincident points spread."""
    local = {node: i for i, node in enumerate(members)}
    size = len(members)
    columns, nearest, pivot = [], np.full(size, np.inf), 0
    for _ in range(min(PIVOTS, size)):
        dist = np.zeros(size)
        dist[pivot], seen, queue = 0.0, {pivot}, deque([pivot])
        while queue:
            here = queue.popleft()
            for nxt in adjacency[members[here]]:
                j = local[nxt]
                if j not in seen:
                    seen.add(j)
                    dist[j] = dist[here] + 1.0
                    queue.append(j)
        columns.append(dist)
        nearest = np.minimum(nearest, dist)
        pivot = int(np.argmax(nearest))
    squared = np.stack(columns, axis=1) ** 2
    centred = -0.5 * (squared - squared.mean(axis=0) - squared.mean(axis=1)[:, None] + squared.mean())
    _, vectors = np.linalg.eigh(centred.T @ centred)
    points = centred @ vectors[:, ::-1][:, :2]
    points -= points.mean(axis=0)
    radius = float(np.sqrt((points**2).sum(axis=1)).max()) or 1.0
    points *= np.sqrt(size * DENSITY / np.pi) / radius
    return _spread(points)


def _spread(points: np.ndarray) -> np.ndarray:
    """Move points that share a spot onto a sunflower spiral around it, one spring apart."""
    keys = np.round(points * 2.0).astype(np.int64)
    _, group = np.unique(keys, axis=0, return_inverse=True)
    group = group.ravel()
    order = np.argsort(group, kind="stable")
    starts = np.r_[0, np.flatnonzero(np.diff(group[order])) + 1]
    rank = np.empty(len(points), dtype=np.int64)
    rank[order] = np.arange(len(points)) - np.repeat(starts, np.diff(np.r_[starts, len(points)]))
    angle, radius = rank * GOLDEN, 0.9 * np.sqrt(rank)
    return points + np.stack([np.cos(angle) * radius, np.sin(angle) * radius], axis=1)


class _Shelf:
    """Packs component boxes left to right in rows about as wide as the whole is tall."""

    def __init__(self, areas: list[float]) -> None:
        self.width = max(4.0, float(np.sqrt(sum(areas))) * 1.25, float(np.sqrt(max(areas, default=0.0))))
        self.x = self.y = self.row = 0.0

    def place(self, points: np.ndarray) -> np.ndarray:
        low, high = points.min(axis=0), points.max(axis=0)
        margin = 2.5 + 0.15 * float((high - low).max())
        box_w, box_h = high - low + margin
        if self.x > 0 and self.x + box_w > self.width:
            self.x, self.y, self.row = 0.0, self.y + self.row, 0.0
        placed = points - low + (self.x + margin / 2, self.y + margin / 2)
        self.x += box_w
        self.row = max(self.row, box_h)
        return placed


def _near_pairs(pos: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs ``(i, j)``, ``i != j``, of nodes in the same or adjacent grid cells of side 2."""
    n = len(pos)
    cell = np.floor(pos / 2.0).astype(np.int64)
    cell -= cell.min(axis=0)
    rows = int(cell[:, 1].max()) + 3
    cell_id = (cell[:, 0] + 1) * rows + (cell[:, 1] + 1)
    order = np.argsort(cell_id, kind="stable")
    cells, starts, counts = np.unique(cell_id[order], return_index=True, return_counts=True)
    left, right = [], []
    for offset in (-rows - 1, -rows, -rows + 1, -1, 0, 1, rows - 1, rows, rows + 1):
        wanted = cell_id + offset
        at = np.minimum(np.searchsorted(cells, wanted), len(cells) - 1)
        count = np.where(cells[at] == wanted, counts[at], 0)
        total = int(count.sum())
        if total:
            first = np.repeat(np.cumsum(count) - count, count)
            left.append(np.repeat(np.arange(n), count))
            right.append(order[np.repeat(starts[at], count) + np.arange(total) - first])
    i, j = np.concatenate(left), np.concatenate(right)
    keep = i != j
    return i[keep], j[keep]


def _refine(pos: np.ndarray, src: np.ndarray, dst: np.ndarray, radius: np.ndarray, *, iterations: int,
            springs: bool = True) -> np.ndarray:
    """Fruchterman–Reingold steps (spring length 1), repulsion cut off at distance 2.

    Two nodes closer than their radii plus a tenth are pushed apart by the overlap; with
    ``springs=False`` that is the only force.
    """
    n, step = len(pos), 1.0 if springs else 0.5
    for _ in range(iterations):
        i, j = _near_pairs(pos)
        delta = pos[i] - pos[j]
        d2 = (delta**2).sum(axis=1) + 1e-9
        overlap = np.maximum(radius[i] + radius[j] + 0.1 - np.sqrt(d2), 0.0)
        push = overlap / np.sqrt(d2) * 2.0 + (np.where(d2 < 4.0, 1.0 / d2, 0.0) if springs else 0.0)
        dx = np.bincount(i, delta[:, 0] * push, n)
        dy = np.bincount(i, delta[:, 1] * push, n)
        if len(src):
            edge = pos[src] - pos[dst]
            pull = np.sqrt((edge**2).sum(axis=1))
            ex, ey = edge[:, 0] * pull, edge[:, 1] * pull
            dx += np.bincount(dst, ex, n) - np.bincount(src, ex, n)
            dy += np.bincount(dst, ey, n) - np.bincount(src, ey, n)
        length = np.sqrt(dx**2 + dy**2) + 1e-9
        scale = np.minimum(length, step) / length
        pos = pos + np.stack([dx * scale, dy * scale], axis=1)
        step = max(step * 0.95, 0.02)
    return pos
