"""RFC 9162 Merkle tree hashing, proofs and their verification, without a database.

The storage layer keeps only hashes of *perfect aligned subtrees*: the node
``(level, index)`` is the hash of leaves ``[index << level, (index + 1) << level)``;
level 0 holds the leaf hashes. Every root and proof the RFC defines is a right fold of
O(log n) such nodes, so each operation comes in two halves:

* ``*_nodes(...)`` lists the nodes it needs, pure arithmetic on sizes and indexes, so a
  caller can fetch them all in one batch query (``WHERE (level, idx) IN (...)``);
* the function of the same stem without ``_nodes`` takes a :data:`Lookup` over those
  nodes and computes the hashes.

A node is complete (and may be stored) once its last leaf is appended; it never changes
after that, which is what makes the log append-only. The verifiers follow the RFC's own
algorithms (§2.1.3.2, §2.1.4.2) rather than reusing the generators, so a bug in one is
not mirrored in the other.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence

HASH_SIZE = 32
Node = tuple[int, int]
#: Returns the stored hash of a complete node, raising ``KeyError`` when it is missing.
#: A dict of fetched rows serves as ``fetched.__getitem__``.
Lookup = Callable[[Node], bytes]
#: A half-open range of leaf indexes ``[start, end)``.
LeafRange = tuple[int, int]

EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(data: bytes) -> bytes:
    """MTH({d}) = SHA-256(0x00 ‖ d): the prefix keeps leaves and nodes from colliding."""
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """SHA-256(0x01 ‖ left ‖ right), the hash of an interior node."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(size: int) -> int:
    """The RFC's k: the largest power of two strictly below ``size`` (``size`` > 1)."""
    return 1 << ((size - 1).bit_length() - 1)


def _check_hash(value: bytes, what: str) -> None:
    if len(value) != HASH_SIZE:
        raise ValueError(f"{what} must be a {HASH_SIZE}-byte SHA-256 hash, not {len(value)} bytes")


# --- which nodes ----------------------------------------------------------------------------


def range_nodes(start: int, end: int) -> list[Node]:
    """The perfect aligned nodes, left to right, whose right fold is MTH(D[start:end]).

    Valid ranges are exactly the subtree ranges that RFC 9162's recursions (MTH, PATH,
    SUBPROOF) visit in some tree (the one of size ``end`` among others):
    ``0 <= start < end`` and ``start`` a multiple of the smallest power of two
    ≥ ``end - start``. Such a range splits into
    one node per set bit of its length, largest first. Any other range raises
    ``ValueError``, because the RFC's hash of it would not be a fold of stored nodes.
    """
    length = end - start
    if start < 0 or length <= 0:
        raise ValueError(f"leaf range [{start}, {end}) is empty or negative")
    if start % (1 << (length - 1).bit_length()):
        raise ValueError(f"leaf range [{start}, {end}) is not a subtree range of RFC 9162")
    nodes: list[Node] = []
    for level in range(length.bit_length() - 1, -1, -1):
        if length >> level & 1:
            nodes.append((level, start >> level))
            start += 1 << level
    return nodes


def root_nodes(size: int) -> list[Node]:
    """The nodes whose right fold is the root of the tree of ``size`` leaves (none if 0)."""
    if size < 0:
        raise ValueError(f"tree size must be ≥ 0, not {size}")
    return range_nodes(0, size) if size else []


def _inclusion_ranges(index: int, size: int) -> list[LeafRange]:
    """PATH(index, D[0:size]) as leaf ranges, bottom-up as the RFC orders it."""
    if not 0 <= index < size:
        raise ValueError(f"leaf index {index} is outside a tree of size {size}")
    ranges: list[LeafRange] = []
    start, end = 0, size
    while end - start > 1:
        mid = start + _split(end - start)
        if index < mid:
            ranges.append((mid, end))
            end = mid
        else:
            ranges.append((start, mid))
            start = mid
    ranges.reverse()
    return ranges


def _consistency_ranges(old_size: int, new_size: int) -> list[LeafRange]:
    """PROOF(old_size, D[0:new_size]) = SUBPROOF(old_size, D[0:new_size], true) as leaf ranges.

    Empty when ``old_size`` is 0 or equal to ``new_size``: every tree is consistent with
    the empty one and with itself, which the RFC leaves undefined but checkpoints need.
    """
    if not 0 <= old_size <= new_size:
        raise ValueError(f"consistency needs 0 ≤ old size ≤ new size, not {old_size} and {new_size}")
    if old_size in (0, new_size):
        return []
    ranges: list[LeafRange] = []
    start, end, m, whole_old_tree = 0, new_size, old_size, True
    while m != end - start:
        mid = start + _split(end - start)
        if m <= mid - start:
            ranges.append((mid, end))
            end = mid
        else:
            ranges.append((start, mid))
            m -= mid - start
            start, whole_old_tree = mid, False
    if not whole_old_tree:
        ranges.append((start, end))
    ranges.reverse()
    return ranges


def _flatten(ranges: Iterable[LeafRange]) -> list[Node]:
    return [node for start, end in ranges for node in range_nodes(start, end)]


def inclusion_nodes(index: int, size: int) -> list[Node]:
    """The nodes :func:`inclusion_proof` reads: at most 2·log2(size)."""
    return _flatten(_inclusion_ranges(index, size))


def consistency_nodes(old_size: int, new_size: int) -> list[Node]:
    """The nodes :func:`consistency_proof` reads: at most 2·log2(new_size)."""
    return _flatten(_consistency_ranges(old_size, new_size))


def append_nodes(index: int) -> list[Node]:
    """The left siblings :func:`nodes_completed_by_append` reads to append leaf ``index``."""
    if index < 0:
        raise ValueError(f"leaf index must be ≥ 0, not {index}")
    nodes: list[Node] = []
    level = 0
    while index >> level & 1:
        nodes.append((level, (index >> level) - 1))
        level += 1
    return nodes


# --- hashes from nodes ----------------------------------------------------------------------


def _fold(hashes: list[bytes]) -> bytes:
    """Right fold: the RFC splits off the largest power of two on the left at each step."""
    result = hashes[-1]
    for left in reversed(hashes[:-1]):
        result = node_hash(left, result)
    return result


def range_hash(start: int, end: int, lookup: Lookup) -> bytes:
    """MTH(D[start:end]) for a range :func:`range_nodes` accepts."""
    return _fold([lookup(node) for node in range_nodes(start, end)])


def root(size: int, lookup: Lookup) -> bytes:
    """MTH(D[0:size]), the tree head a checkpoint signs."""
    nodes = root_nodes(size)
    return _fold([lookup(node) for node in nodes]) if nodes else EMPTY_ROOT


def inclusion_proof(index: int, size: int, lookup: Lookup) -> list[bytes]:
    """RFC 9162 PATH(index, D[0:size]), ordered from the leaf's sibling up to the root."""
    return [range_hash(start, end, lookup) for start, end in _inclusion_ranges(index, size)]


def consistency_proof(old_size: int, new_size: int, lookup: Lookup) -> list[bytes]:
    """RFC 9162 PROOF(old_size, D[0:new_size]); empty when old_size is 0 or new_size."""
    return [range_hash(start, end, lookup) for start, end in _consistency_ranges(old_size, new_size)]


def nodes_completed_by_append(index: int, leaf: bytes, lookup: Lookup) -> list[tuple[Node, bytes]]:
    """The nodes that appending leaf hash ``leaf`` as leaf number ``index`` completes.

    First ``(0, index)`` itself, then each parent while the node just completed is a
    right child; ``lookup`` is asked only for the nodes :func:`append_nodes` lists.
    Those all lie in ``root_nodes(index)``, so a batch of appends starting at size ``n``
    reads nothing beyond ``root_nodes(n)`` and the nodes the batch itself completes.
    """
    _check_hash(leaf, "leaf hash")
    completed: list[tuple[Node, bytes]] = [((0, index), leaf)]
    current = leaf
    for level, sibling in append_nodes(index):
        current = node_hash(lookup((level, sibling)), current)
        completed.append(((level + 1, (sibling + 1) >> 1), current))
    return completed


# --- verification (RFC 9162 §2.1.3.2 and §2.1.4.2) ------------------------------------------


def _hashes_ok(*values: bytes) -> bool:
    return all(len(value) == HASH_SIZE for value in values)


def verify_inclusion(leaf: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes) -> bool:
    """Whether ``proof`` shows leaf hash ``leaf`` at ``index`` in the tree ``(size, root)``.

    ``leaf`` is the leaf's hash, ``leaf_hash(data)``, as the ledger stores it. Bad
    sizes, indexes or proof lengths make the answer False rather than an error: to a
    verifier they are just a proof that does not hold. ``size`` and ``root`` must come
    from one signed checkpoint: the size only fixes the proof's shape, and some shapes
    recur (leaf 4 at sizes 7 and 8), so a size paired with another size's root proves
    nothing.
    """
    if not 0 <= index < size or not _hashes_ok(leaf, root, *proof):
        return False
    fn, sn, result = index, size - 1, leaf
    for element in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            result = node_hash(element, result)
            while not fn & 1 and fn:
                fn, sn = fn >> 1, sn >> 1
        else:
            result = node_hash(result, element)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and result == root


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """Whether ``proof`` shows the tree ``(new_size, new_root)`` extends ``(old_size, old_root)``.

    Beyond the RFC (which requires 0 < old_size < new_size), an empty proof shows that
    a tree extends the empty tree (whose root is :data:`EMPTY_ROOT`) and itself.
    """
    if not 0 <= old_size <= new_size or not _hashes_ok(old_root, new_root, *proof):
        return False
    if old_size == new_size:
        return not proof and old_root == new_root
    if old_size == 0:
        return not proof and old_root == EMPTY_ROOT
    if not proof:
        return False
    path = list(proof)
    if old_size & (old_size - 1) == 0:  # the old tree is a node of the new one
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for element in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(element, fr), node_hash(element, sr)
            while not fn & 1 and fn:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, element)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and fr == old_root and sr == new_root


# --- in memory ------------------------------------------------------------------------------


class MemoryTree:
    """A whole tree in lists of hashes, one list per level: tests and full recomputation.

    ``levels[level][index]`` is node ``(level, index)``; only complete nodes exist, the
    same set the storage layer keeps, so the module's functions run on it unchanged.
    """

    def __init__(self, leaves: Iterable[bytes] = ()) -> None:
        self._levels: list[list[bytes]] = [[]]
        for leaf in leaves:
            self.append(leaf)

    @property
    def size(self) -> int:
        return len(self._levels[0])

    def append(self, leaf: bytes) -> int:
        """Append a leaf hash; return its index."""
        _check_hash(leaf, "leaf hash")
        levels = self._levels
        index = len(levels[0])
        levels[0].append(leaf)
        current, level, position = leaf, 0, index
        while position & 1:  # a right child completes its parent
            current = hashlib.sha256(b"\x01" + levels[level][position - 1] + current).digest()
            level, position = level + 1, position >> 1
            if level == len(levels):
                levels.append([])
            levels[level].append(current)
        return index

    def lookup(self, node: Node) -> bytes:
        """The hash of a complete node; ``KeyError`` for any other, as a database would."""
        level, index = node
        if 0 <= level < len(self._levels) and 0 <= index < len(self._levels[level]):
            return self._levels[level][index]
        raise KeyError(node)

    def _size(self, size: int | None) -> int:
        if size is None:
            return self.size
        if size > self.size:
            raise ValueError(f"tree size {size} is beyond the {self.size} leaves appended")
        return size

    def root(self, size: int | None = None) -> bytes:
        """The root at ``size`` leaves (default: all of them)."""
        return root(self._size(size), self.lookup)

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        return inclusion_proof(index, self._size(size), self.lookup)

    def consistency_proof(self, old_size: int, new_size: int | None = None) -> list[bytes]:
        return consistency_proof(old_size, self._size(new_size), self.lookup)


class Frontier:
    """The right edge of a growing tree (a compact range from 0): the root at every size.

    Keeps one hash per set bit of the size, so appending and taking the root are both
    O(log n); a verifier streaming the leaves compares roots at each checkpoint with it.
    """

    def __init__(self) -> None:
        self._size = 0
        self._hashes: list[bytes] = []  # the nodes of root_nodes(size), left to right

    @classmethod
    def from_lookup(cls, size: int, lookup: Lookup) -> Frontier:
        """Resume at ``size`` leaves from stored nodes, without reading the leaves before."""
        frontier = cls()
        frontier._hashes = [lookup(node) for node in root_nodes(size)]
        frontier._size = size
        return frontier

    @property
    def size(self) -> int:
        return self._size

    def append(self, leaf: bytes) -> None:
        """Append a leaf hash; merge equal-sized subtrees as binary carry does."""
        _check_hash(leaf, "leaf hash")
        hashes, current, carry = self._hashes, leaf, self._size
        while carry & 1:
            current = node_hash(hashes.pop(), current)
            carry >>= 1
        hashes.append(current)
        self._size += 1

    def root(self) -> bytes:
        return _fold(self._hashes) if self._hashes else EMPTY_ROOT
