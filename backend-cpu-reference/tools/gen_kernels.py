#!/usr/bin/env python3
"""Generates GemmKernels.java: the unrolled outer-product micro-kernels for packed weights.

Run from backend-cpu-reference/: python3 tools/gen_kernels.py

The kernels are generated (not hand-written) because Java cannot keep an array of vectors in
registers: each tile shape needs its accumulators as separate local variables (a vector that
crosses a call C2 declines to inline is boxed, which costs more than the whole kernel).
"""
import os

OUT = "src/main/java/dev/railyard/backend/cpu/GemmKernels.java"

# (tokens, blocks of 32 rows) of every tile: the lead tile (1 or 2 tokens) reads 4 or 2 blocks in
# concurrent memory streams; keep in step with MatMul.lead
LEAD_TILES = [(1, 4), (2, 4), (1, 2), (2, 2), (1, 1), (2, 1)]
TILES = [(1, 4), (2, 4), (1, 2), (2, 2)] + [(t, 1) for t in range(1, 13)]
DTYPES = {"F32": 128, "Bf16": 64, "F16": 64}  # bytes of one column (32 rows) of a packed block
# float16 has lead tiles only: with more tokens the lead tile keeps the group it widened (in float32,
# in the worker's scratch) and the float32 tiles compute the other tokens from it
SHAPES = {"F32": TILES, "Bf16": TILES, "F16": LEAD_TILES}
PACKING = {"F32": 0, "Bf16": 1, "F16": 2}  # PackedLinear.Packing ordinals


def kernel(dt, T, B, keep=False):
    R = 32 * B
    stride = DTYPES[dt]
    vecs = 2 * B
    accs = [f"c{t}_{v}" for t in range(T) for v in range(vecs)]
    s = []
    name = f"outer{T}x{R}{dt}" + ("Keep" if keep else "")
    if keep:
        s.append(f"    /**\n     * {{@link #outer{T}x{R}{dt}}} that also stores the weights it widened into {{@code keep}}, in the float32\n"
                 f"     * packed layout (block b at {{@code keepOff + b * keepBlockBytes}}), for the tiles that follow.\n     */\n")
        s.append(f"    static void {name}(MemorySegment w, long wOff, long blockBytes, float[] x, int xo, int k, float[] out,\n"
                 f"            MemorySegment keep, long keepOff, long keepBlockBytes) {{\n")
    else:
        s.append(f"    /** {T} token(s) times {R} packed rows of {dt}; token t, row r of the tile to {{@code out[t * {R} + r]}}. */\n")
        s.append(f"    static void {name}(MemorySegment w, long wOff, long blockBytes, float[] x, int xo, int k, float[] out) {{\n")
    s.append("        FloatVector z = FloatVector.zero(F);\n")
    s.append("        FloatVector " + ", ".join(f"{n} = z" for n in accs) + ";\n")
    for b in range(1, B):
        s.append(f"        long w{b}o = wOff + {b} * blockBytes;\n")
    s.append("        for (int j = 0; j < k; j++) {\n")
    s.append(f"            long p = (long) j * {stride};\n")
    if dt == "F16":
        # widen one vector at a time and use it at once: the float16 widening needs a few registers
        s.append(f"            int q = xo + j * {T};\n")
        for t in range(T):
            s.append(f"            FloatVector b{t} = FloatVector.broadcast(F, x[q + {t}]);\n")
        for b in range(B):
            base = "wOff" if b == 0 else f"w{b}o"
            s.append(f"            IntVector u{b} = IntVector.fromMemorySegment(VI, w, {base} + p, LE);\n")
            for half in (0, 1):
                v = 2 * b + half
                s.extend("            " + line + "\n" for line in widen_f16(f"u{b}", half, f"w{v}", f"{v}"))
                if keep:
                    s.append(f"            w{v}.intoMemorySegment(keep, keepOff + {b} * keepBlockBytes + (long) j * 128 + {64 * half}, LE);\n")
                for t in range(T):
                    s.append(f"            c{t}_{v} = b{t}.fma(w{v}, c{t}_{v});\n")
    else:
        for b in range(B):
            base = "wOff" if b == 0 else f"w{b}o"
            if dt == "F32":
                s.append(f"            FloatVector w{2 * b} = FloatVector.fromMemorySegment(F, w, {base} + p, LE);\n")
                s.append(f"            FloatVector w{2 * b + 1} = FloatVector.fromMemorySegment(F, w, {base} + p + 64, LE);\n")
            else:
                s.append(f"            IntVector u{b} = IntVector.fromMemorySegment(VI, w, {base} + p, LE);\n")
                s.append(f"            FloatVector w{2 * b} = u{b}.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();\n")
                s.append(f"            FloatVector w{2 * b + 1} = u{b}.and(0xFFFF0000).reinterpretAsFloats();\n")
        s.append(f"            int q = xo + j * {T};\n")
        for t in range(T):
            s.append(f"            FloatVector b{t} = FloatVector.broadcast(F, x[q + {t}]);\n")
            for v in range(vecs):
                s.append(f"            c{t}_{v} = b{t}.fma(w{v}, c{t}_{v});\n")
    s.append("        }\n")
    for t in range(T):
        for v in range(vecs):
            s.append(f"        c{t}_{v}.intoArray(out, {t * R + 16 * v});\n")
    s.append("    }\n\n")
    return "".join(s)


def dispatch():
    s = []
    s.append("    /**\n     * Runs the tile of {@code tokens} tokens times {@code blocks} packed blocks of {@code packing} (float32\n"
             "     * and bfloat16: 1-2 tokens x 1, 2 or 4 blocks and 3-12 tokens x 1 block; float16: the 1-2 token\n"
             "     * shapes only) from block offset {@code wOff}:\n"
             "     * token t, row r of the tile to {@code out[t * 32 * blocks + r]}.\n     */\n")
    s.append("    static void tile(PackedLinear.Packing packing, int tokens, int blocks, MemorySegment w, long wOff, long blockBytes,\n"
             "                     float[] x, int xo, int k, float[] out) {\n")
    s.append("        switch (tokens * 8 + blocks + packing.ordinal() * 1000) {\n")
    for dt in DTYPES:
        for T, B in SHAPES[dt]:
            key = T * 8 + B + PACKING[dt] * 1000
            s.append(f"            case {key} -> outer{T}x{32 * B}{dt}(w, wOff, blockBytes, x, xo, k, out);\n")
    s.append("            default -> throw new IllegalArgumentException(\"no \" + packing + \" tile of \" + tokens + \" tokens x \" + blocks + \" blocks\");\n")
    s.append("        }\n    }\n\n")
    s.append("    /**\n     * The float16 lead tile of {@code tokens} (1 or 2) tokens times {@code blocks} (1, 2 or 4) blocks, which\n"
             "     * also stores the widened weights into {@code keep} (float32 packed layout, block b at\n"
             "     * {@code keepOff + b * keepBlockBytes}).\n     */\n")
    s.append("    static void leadKeepingF16(int tokens, int blocks, MemorySegment w, long wOff, long blockBytes, float[] x, int xo,\n"
             "                               int k, float[] out, MemorySegment keep, long keepOff, long keepBlockBytes) {\n")
    s.append("        switch (tokens * 8 + blocks) {\n")
    for T, B in LEAD_TILES:
        s.append(f"            case {T * 8 + B} -> outer{T}x{32 * B}F16Keep(w, wOff, blockBytes, x, xo, k, out, keep, keepOff, keepBlockBytes);\n")
    s.append("            default -> throw new IllegalArgumentException(\"no float16 lead tile of \" + tokens + \" tokens x \" + blocks + \" blocks\");\n")
    s.append("        }\n    }\n\n")
    s.append(f16_helpers())
    return "".join(s)


def widen_f16(u, half, out, tag):
    """Java statements that widen one half of the float16 pairs in int vector u to float vector out
    (exact: normal numbers re-biased, infinities and NaNs to exponent 255 with their payload,
    subnormals m * 2^-24 as (2^-14 + m * 2^-24) - 2^-14 from a normal float32, never a denormal
    operand, which costs a microcode assist on x86). Emitted inline in the kernels: a helper
    method was not inlined into the larger kernels (C2's node-count cutoff), and a vector passed
    to a call is boxed."""
    if half == 0:
        em = f"{u}.and(0x7FFF)"
        sign = f"{u}.lanewise(VectorOperators.LSHL, 16).and(0x80000000)"
    else:
        em = f"{u}.lanewise(VectorOperators.LSHR, 16).and(0x7FFF)"
        sign = f"{u}.and(0x80000000)"
    return [
        f"IntVector e{tag} = {em};",
        f"IntVector t{tag} = e{tag}.lanewise(VectorOperators.LSHL, 13);",
        f"IntVector n{tag} = t{tag}.add(112 << 23).lanewise(VectorOperators.ADD, 112 << 23, e{tag}.compare(VectorOperators.GE, 0x7C00));",
        f"IntVector d{tag} = t{tag}.add(113 << 23).reinterpretAsFloats().sub(0x1p-14f).reinterpretAsInts();",
        f"FloatVector {out} = n{tag}.blend(d{tag}, e{tag}.compare(VectorOperators.LT, 0x400)).or({sign}).reinterpretAsFloats();",
    ]


def f16_helpers():
    s = []
    for half, name, rows in ((0, "f16Low", "0-15", ), (1, "f16High", "16-31")):
        which = "low" if half == 0 else "high"
        s.append(f"    /**\n     * Rows {rows} of a packed float16 column (the {which} halves of {{@code u}}), widened exactly: the\n"
                 f"     * statements the float16 kernels carry inline (tested exhaustively).\n     */\n")
        s.append(f"    static FloatVector {name}(IntVector u) {{\n")
        s.extend("        " + line + "\n" for line in widen_f16("u", half, "w", ""))
        s.append("        return w;\n    }\n\n")
    return "".join(s)


HEADER = '''// GENERATED by tools/gen_kernels.py -- edit the generator, not this file.
package dev.railyard.backend.cpu;

import static dev.railyard.backend.cpu.VectorMath.F;
import static dev.railyard.backend.cpu.VectorMath.LE;
import static dev.railyard.backend.cpu.VectorMath.VI;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Outer-product micro-kernels for 512-bit vectors over {@link PackedLinear} weights: a tile of T
 * tokens times 32, 64 or 128 rows keeps one accumulator vector per (token, 16 rows); for each k it
 * loads the rows' weights at k (contiguous in the packed layout; bfloat16 pairs widened with one
 * shift or one mask, float16 pairs as in {@link #f16Low} and {@link #f16High}), broadcasts each
 * token's activation at k, and does one FMA per accumulator.
 * Activations come transposed: token t's value at k is {@code x[xo + k * T + t]}.
 *
 * <p>Batch invariance: the product of one token with one row is {@code acc = fma(x[k], w[k], acc)}
 * for k = 0, 1, ..., K-1 from {@code acc = 0}, in one lane, in every kernel shape (and in
 * {@link MatMul}'s portable path), so the tile a pair falls in (which depends on the batch size
 * and the thread split) never changes a result.
 */
final class GemmKernels {

    private GemmKernels() {
    }

'''


def main():
    body = [HEADER, dispatch()]
    for dt in DTYPES:
        for T, B in SHAPES[dt]:
            body.append(kernel(dt, T, B))
    for T, B in LEAD_TILES:
        body.append(kernel("F16", T, B, keep=True))
    body.append("}\n")
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "..", OUT), "w") as f:
        f.write("".join(body))


if __name__ == "__main__":
    main()
