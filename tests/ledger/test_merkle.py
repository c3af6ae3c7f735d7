"""RFC 9162 Merkle tree: the published vectors, and properties against a naive reference.

The reference below transcribes the RFC's recursive definitions (MTH, PATH, SUBPROOF)
literally and slowly; the module under test works from stored perfect subtrees instead,
so agreement between the two is the point of these tests.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dastavez.ledger.merkle import (
    EMPTY_ROOT,
    Frontier,
    MemoryTree,
    append_nodes,
    consistency_nodes,
    consistency_proof,
    inclusion_nodes,
    inclusion_proof,
    leaf_hash,
    node_hash,
    nodes_completed_by_append,
    range_hash,
    range_nodes,
    root,
    root_nodes,
    verify_consistency,
    verify_inclusion,
)

MAX_SIZE = 300
LEAVES = [leaf_hash(f"entry {i}".encode()) for i in range(MAX_SIZE)]
TREE = MemoryTree(LEAVES)


# --- the reference: RFC 9162 §2.1 as written ------------------------------------------------


def _k(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


@cache
def ref_mth(start: int, end: int) -> bytes:
    n = end - start
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return LEAVES[start]
    k = _k(n)
    return hashlib.sha256(b"\x01" + ref_mth(start, start + k) + ref_mth(start + k, end)).digest()


def ref_path(m: int, start: int, end: int) -> list[bytes]:
    n = end - start
    if n == 1:
        return []
    k = _k(n)
    if m < k:
        return [*ref_path(m, start, start + k), ref_mth(start + k, end)]
    return [*ref_path(m - k, start + k, end), ref_mth(start, start + k)]


def ref_subproof(m: int, start: int, end: int, whole: bool) -> list[bytes]:
    n = end - start
    if m == n:
        return [] if whole else [ref_mth(start, end)]
    k = _k(n)
    if m <= k:
        return [*ref_subproof(m, start, start + k, whole), ref_mth(start + k, end)]
    return [*ref_subproof(m - k, start + k, end, False), ref_mth(start, start + k)]


def flip(value: bytes, bit: int) -> bytes:
    changed = bytearray(value)
    changed[bit // 8] ^= 1 << (bit % 8)
    return bytes(changed)


# --- the published vectors ------------------------------------------------------------------


@pytest.fixture(scope="module")
def vectors(shared_data):
    data = json.loads((shared_data / "merkle-vectors.json").read_text())
    tree = MemoryTree(leaf_hash(bytes.fromhex(leaf)) for leaf in data["leaves"])
    return data, tree


def test_leaf_and_node_hashes_match_the_vectors(vectors):
    data, _ = vectors
    single = data["single"]
    assert leaf_hash(b"").hex() == single["leaf_hash_of_empty"]
    assert leaf_hash(b"L123456").hex() == single["leaf_hash_of_L123456"]
    assert node_hash(b"N123", b"N456").hex() == single["node_hash_of_N123_N456"]
    assert EMPTY_ROOT.hex() == data["roots"]["0"]


def test_roots_of_every_size_match_the_vectors(vectors):
    data, tree = vectors
    frontier = Frontier()
    assert frontier.root().hex() == data["roots"]["0"]
    for size in range(1, 9):
        frontier.append(tree.lookup((0, size - 1)))
        expected = data["roots"][str(size)]
        assert tree.root(size).hex() == expected
        assert root(size, tree.lookup).hex() == expected
        assert frontier.root().hex() == expected
    assert tree.root().hex().startswith("5dc9da79")  # the published size-8 root


def test_inclusion_proofs_match_the_vectors_and_verify(vectors):
    data, tree = vectors
    cases = data["inclusion"]
    assert {(c["index"], c["size"]) for c in cases} == {(i, n) for n in range(1, 9) for i in range(n)}
    for case in cases:
        index, size = case["index"], case["size"]
        proof = tree.inclusion_proof(index, size)
        assert [p.hex() for p in proof] == case["path"], case
        assert verify_inclusion(tree.lookup((0, index)), index, size, proof, tree.root(size)), case


def test_consistency_proofs_match_the_vectors_and_verify(vectors):
    data, tree = vectors
    cases = data["consistency"]
    assert {(c["first"], c["second"]) for c in cases} == {(m, n) for n in range(2, 9) for m in range(1, n)}
    for case in cases:
        old, new = case["first"], case["second"]
        proof = tree.consistency_proof(old, new)
        assert [p.hex() for p in proof] == case["proof"], case
        assert verify_consistency(old, new, tree.root(old), tree.root(new), proof), case


def test_every_single_bit_flip_in_a_vector_proof_fails(vectors):
    data, tree = vectors
    for case in data["inclusion"]:
        index, size = case["index"], case["size"]
        leaf, top = tree.lookup((0, index)), tree.root(size)
        proof = [bytes.fromhex(p) for p in case["path"]]
        for bit in range(256):
            assert not verify_inclusion(flip(leaf, bit), index, size, proof, top)
            assert not verify_inclusion(leaf, index, size, proof, flip(top, bit))
            for i, element in enumerate(proof):
                bad = [*proof[:i], flip(element, bit), *proof[i + 1 :]]
                assert not verify_inclusion(leaf, index, size, bad, top), (case, i, bit)
    for case in data["consistency"]:
        old, new = case["first"], case["second"]
        old_root, new_root = tree.root(old), tree.root(new)
        proof = [bytes.fromhex(p) for p in case["proof"]]
        for bit in range(256):
            assert not verify_consistency(old, new, flip(old_root, bit), new_root, proof)
            assert not verify_consistency(old, new, old_root, flip(new_root, bit), proof)
            for i, element in enumerate(proof):
                bad = [*proof[:i], flip(element, bit), *proof[i + 1 :]]
                assert not verify_consistency(old, new, old_root, new_root, bad), (case, i, bit)


# --- properties against the reference -------------------------------------------------------

sizes = st.integers(min_value=1, max_value=MAX_SIZE)


@st.composite
def leaf_positions(draw):
    size = draw(sizes)
    return draw(st.integers(min_value=0, max_value=size - 1)), size


@st.composite
def size_pairs(draw):
    new = draw(st.integers(min_value=2, max_value=MAX_SIZE))
    return draw(st.integers(min_value=1, max_value=new - 1)), new


@given(leaf_positions())
def test_inclusion_proofs_equal_the_reference_and_verify(position):
    index, size = position
    proof = TREE.inclusion_proof(index, size)
    assert proof == ref_path(index, 0, size)
    assert TREE.root(size) == ref_mth(0, size)
    assert verify_inclusion(LEAVES[index], index, size, proof, ref_mth(0, size))


@given(size_pairs())
def test_consistency_proofs_equal_the_reference_and_verify(pair):
    old, new = pair
    proof = TREE.consistency_proof(old, new)
    assert proof == ref_subproof(old, 0, new, True)
    assert verify_consistency(old, new, ref_mth(0, old), ref_mth(0, new), proof)


@given(leaf_positions(), st.data())
def test_a_flipped_bit_anywhere_fails_inclusion(position, data):
    index, size = position
    proof, top, leaf = TREE.inclusion_proof(index, size), ref_mth(0, size), LEAVES[index]
    bit = data.draw(st.integers(min_value=0, max_value=255))
    target = data.draw(st.integers(min_value=-2, max_value=len(proof) - 1))
    if target == -2:
        leaf = flip(leaf, bit)
    elif target == -1:
        top = flip(top, bit)
    else:
        proof[target] = flip(proof[target], bit)
    assert not verify_inclusion(leaf, index, size, proof, top)


@given(size_pairs(), st.data())
def test_a_flipped_bit_anywhere_fails_consistency(pair, data):
    old, new = pair
    proof, old_root, new_root = TREE.consistency_proof(old, new), ref_mth(0, old), ref_mth(0, new)
    bit = data.draw(st.integers(min_value=0, max_value=255))
    target = data.draw(st.integers(min_value=-2, max_value=len(proof) - 1))
    if target == -2:
        old_root = flip(old_root, bit)
    elif target == -1:
        new_root = flip(new_root, bit)
    else:
        proof[target] = flip(proof[target], bit)
    assert not verify_consistency(old, new, old_root, new_root, proof)


@given(leaf_positions(), st.integers(min_value=0, max_value=MAX_SIZE))
def test_an_inclusion_proof_fails_at_another_index_or_size(position, other):
    """Another index, or another real tree head (size and its root), fails.

    (A wrong size paired with the right root can pass: the size only fixes the proof's
    shape, and index 4's path has the same shape at sizes 7 and 8. Checkpoints sign
    size and root together, so verifiers never hold such a pair.)
    """
    index, size = position
    proof = TREE.inclusion_proof(index, size)
    top = ref_mth(0, size)
    if other != index:
        assert not verify_inclusion(LEAVES[index], other, size, proof, top)
    if other != size:
        assert not verify_inclusion(LEAVES[index], index, other, proof, ref_mth(0, other))
    assert not verify_inclusion(LEAVES[index], index, size, [*proof, top], top)
    if proof:
        assert not verify_inclusion(LEAVES[index], index, size, proof[:-1], top)


@given(size_pairs(), st.integers(min_value=0, max_value=MAX_SIZE))
def test_a_consistency_proof_fails_for_other_sizes(pair, other):
    old, new = pair
    proof = TREE.consistency_proof(old, new)
    if other != old and other <= new:
        assert not verify_consistency(other, new, ref_mth(0, other), ref_mth(0, new), proof)
    if other != new and other >= old:
        assert not verify_consistency(old, other, ref_mth(0, old), ref_mth(0, other), proof)
    assert not verify_consistency(old, new, ref_mth(0, old), ref_mth(0, new), proof[:-1])
    assert not verify_consistency(old, new, ref_mth(0, old), ref_mth(0, new), [*proof, proof[0]])


def test_trivial_consistency_with_the_empty_tree_and_with_itself():
    top = TREE.root(10)
    assert consistency_nodes(0, 10) == consistency_nodes(10, 10) == []
    assert verify_consistency(0, 10, EMPTY_ROOT, top, [])
    assert verify_consistency(10, 10, top, top, [])
    assert not verify_consistency(0, 10, top, top, [])
    assert not verify_consistency(10, 10, top, TREE.root(9), [])
    assert not verify_consistency(10, 10, top, top, [top])
    assert not verify_consistency(9, 10, TREE.root(9), top, [])


# --- stored nodes ---------------------------------------------------------------------------


def _visited_ranges(start: int, end: int, into: set[tuple[int, int]]) -> None:
    into.add((start, end))
    if end - start > 1:
        k = _k(end - start)
        _visited_ranges(start, start + k, into)
        _visited_ranges(start + k, end, into)


def test_range_nodes_accepts_exactly_the_ranges_the_rfc_recursion_visits():
    visited: set[tuple[int, int]] = set()
    for size in range(1, 65):
        _visited_ranges(0, size, visited)
    for end in range(1, 65):
        for start in range(end):
            if (start, end) in visited:
                nodes = range_nodes(start, end)
                assert all(((i + 1) << level) <= end for level, i in nodes)
                assert range_hash(start, end, TREE.lookup) == ref_mth(start, end)
            else:
                with pytest.raises(ValueError, match="not a subtree range"):
                    range_nodes(start, end)


def test_nodes_completed_by_append_build_the_same_store_as_memory_tree():
    store: dict[tuple[int, int], bytes] = {}
    for index, leaf in enumerate(LEAVES):
        fetched = {node: store[node] for node in append_nodes(index)}  # one batch query
        rows = nodes_completed_by_append(index, leaf, fetched.__getitem__)
        assert rows[0] == ((0, index), leaf)
        assert not set(dict(rows)) & set(store), "a completed node is never rewritten"
        store.update(rows)
        assert root(index + 1, store.__getitem__) == ref_mth(0, index + 1)
    for (level, i), value in store.items():
        assert TREE.lookup((level, i)) == value
    assert len(store) == sum(MAX_SIZE >> level for level in range(MAX_SIZE.bit_length()))


@given(st.integers(min_value=0, max_value=MAX_SIZE - 1), st.integers(min_value=1, max_value=40))
def test_a_batch_of_appends_reads_only_the_old_root_nodes_and_its_own(first, count):
    count = min(count, MAX_SIZE - first)
    known = {node: TREE.lookup(node) for node in root_nodes(first)}  # the one query before a batch
    for index in range(first, first + count):
        known.update(nodes_completed_by_append(index, LEAVES[index], known.__getitem__))
    assert root(first + count, known.__getitem__) == ref_mth(0, first + count)


def test_appending_leaf_7_completes_four_nodes():
    tree = MemoryTree(LEAVES[:7])
    rows = nodes_completed_by_append(7, LEAVES[7], tree.lookup)
    assert [node for node, _ in rows] == [(0, 7), (1, 3), (2, 1), (3, 0)]
    assert rows[-1][1] == ref_mth(0, 8)
    assert append_nodes(7) == [(0, 6), (1, 2), (2, 0)]
    assert append_nodes(8) == []


@pytest.mark.parametrize("size", [10**6, 2**20, 2**20 + 1, 2**40 - 1, 987_654_321_123])
def test_proofs_read_a_logarithmic_number_of_nodes(size):
    reads: list[tuple[int, int]] = []

    def lookup(node: tuple[int, int]) -> bytes:
        level, index = node
        assert index >= 0 and (index + 1) << level <= size, f"{node} is not complete at size {size}"
        reads.append(node)
        return hashlib.sha256(repr(node).encode()).digest()

    bound = 2 * size.bit_length()
    assert len(root_nodes(size)) == size.bit_count()
    for index in {0, 1, size // 3, size // 2, size - 2, size - 1}:
        reads.clear()
        assert len(inclusion_proof(index, size, lookup)) <= size.bit_length()
        assert sorted(reads) == sorted(inclusion_nodes(index, size))
        assert len(reads) == len(set(reads)) <= bound
    for old in {1, 2, size // 3, size - 1}:
        reads.clear()
        consistency_proof(old, size, lookup)
        assert sorted(reads) == sorted(consistency_nodes(old, size))
        assert len(reads) == len(set(reads)) <= bound


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: range_nodes(3, 3), "empty"),
        (lambda: range_nodes(-1, 1), "empty or negative"),
        (lambda: range_nodes(1, 4), "not a subtree range"),
        (lambda: root_nodes(-1), "tree size"),
        (lambda: inclusion_nodes(5, 5), "outside a tree of size 5"),
        (lambda: inclusion_nodes(-1, 5), "outside"),
        (lambda: inclusion_nodes(0, 0), "outside"),
        (lambda: consistency_nodes(6, 5), "old size"),
        (lambda: consistency_nodes(-1, 5), "old size"),
        (lambda: append_nodes(-1), "leaf index"),
        (lambda: nodes_completed_by_append(0, b"short", TREE.lookup), "32-byte"),
        (lambda: MemoryTree().append(b"x" * 31), "32-byte"),
        (lambda: Frontier().append(b"x" * 33), "32-byte"),
        (lambda: MemoryTree(LEAVES[:3]).root(4), "beyond the 3 leaves"),
        (lambda: MemoryTree(LEAVES[:3]).inclusion_proof(0, 4), "beyond"),
    ],
)
def test_invalid_arguments_raise_a_clear_value_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize(
    "args",
    [
        (0, 0, [], EMPTY_ROOT),
        (-1, 4, [], EMPTY_ROOT),
        (4, 4, [], EMPTY_ROOT),
    ],
)
def test_inclusion_with_impossible_positions_is_false_not_an_error(args):
    index, size, proof, top = args
    assert verify_inclusion(LEAVES[0], index, size, proof, top) is False


def test_verifiers_reject_hashes_of_the_wrong_length():
    proof = TREE.inclusion_proof(3, 10)
    assert not verify_inclusion(LEAVES[3] + b"\x00", 3, 10, proof, TREE.root(10))
    assert not verify_inclusion(LEAVES[3], 3, 10, [*proof[:-1], proof[-1][:31]], TREE.root(10))
    assert not verify_consistency(3, 10, TREE.root(3)[:16], TREE.root(10), TREE.consistency_proof(3, 10))


def test_memory_tree_lookup_answers_only_complete_nodes():
    tree = MemoryTree(LEAVES[:5])
    assert tree.size == 5
    assert tree.lookup((2, 0)) == ref_mth(0, 4)
    for node in [(0, 5), (1, 2), (0, -1), (3, 0), (-1, 0)]:
        with pytest.raises(KeyError):
            tree.lookup(node)


@settings(max_examples=50)
@given(st.integers(min_value=0, max_value=MAX_SIZE), st.integers(min_value=0, max_value=40))
def test_frontier_gives_the_root_at_every_size_and_resumes_from_stored_nodes(start, steps):
    frontier = Frontier.from_lookup(start, TREE.lookup)
    assert frontier.size == start
    assert frontier.root() == ref_mth(0, start)
    for size in range(start + 1, min(start + steps, MAX_SIZE) + 1):
        frontier.append(LEAVES[size - 1])
        assert frontier.root() == ref_mth(0, size)
        assert frontier.size == size
