#!/usr/bin/env python3
"""Generates GemmKernels.java: the unrolled micro-kernels for each weight dtype.

Run from backend-cpu-reference/: python3 tools/gen_kernels.py

The kernels are generated (not hand-written) because Java cannot keep an array of vectors in
registers: each tile shape needs its accumulators as separate local variables, and the lane-sum
tree is written out inline (a vector crossing a call that C2 declines to inline is boxed, which
costs more than the whole kernel).
"""
import os

OUT = "src/main/java/dev/railyard/backend/cpu/GemmKernels.java"

LOADS = {
    "F32": ("FloatVector.fromMemorySegment(F, w, {off}, LE)", 4),
    "Bf16": ("((IntVector) ShortVector.fromMemorySegment(SH, w, {off}, LE).convertShape(VectorOperators.S2I, VI, 0))"
             ".lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats()", 2),
    "F16": (None, 2),
}


def f16_load(name, off, indent):
    """Statements that widen L float16 values at byte offset {off} into FloatVector {name}, inline."""
    return (f"{indent}IntVector {name}h = (IntVector) ShortVector.fromMemorySegment(SH, w, {off}, LE).convertShape(VectorOperators.S2I, VI, 0);\n"
            f"{indent}IntVector {name}m = {name}h.and(0x7FFF);\n"
            f"{indent}FloatVector {name} = {name}m.lanewise(VectorOperators.LSHL, 13).add(112 << 23)\n"
            f"{indent}        .add(112 << 23, {name}m.compare(VectorOperators.GE, 0x7C00)).reinterpretAsFloats()\n"
            f"{indent}        .blend(((FloatVector) {name}m.convert(VectorOperators.I2F, 0)).mul(0x1p-24f), {name}m.compare(VectorOperators.LT, 0x400).cast(F))\n"
            f"{indent}        .reinterpretAsInts().or({name}h.and(0x8000_0000)).reinterpretAsFloats();\n")


def tree(accs, indent="        ", group=0):
    """Inline 16-way transposing lane sum; result lanes in natural order at acc[SUMS + 16 * group ..]."""
    assert len(accs) == 16
    out = []
    level = list(accs)
    for s in (8, 4, 2, 1):
        nxt = []
        for j in range(0, len(level), 2):
            a, b = level[j], level[j + 1]
            name = f"g{group}s{s}_{j // 2}"
            out.append(f"{indent}FloatVector {name} = {a}.blend({b}, M{s}).add({b}.blend({a}, M{s}).rearrange(X{s}));\n")
            nxt.append(name)
        level = nxt
    out.append(f"{indent}{level[0]}.rearrange(BITREV).intoArray(acc, SUMS + {16 * group});\n")
    return "".join(out)


def kernel(dt, T, R, prefetch=False, x_first=False):
    """x_first: load the T activation vectors first, then each weight vector once, used by T FMAs
    right away (T x R accumulators + T + 1 live vectors: fits 32 registers up to T x R = 24)."""
    full, eb = LOADS[dt]
    accs = [f"a{t}_{r}" for t in range(T) for r in range(R)]
    groups = []
    for g in range(0, len(accs), 16):
        part = accs[g:g + 16]
        groups.append(part + [part[i % len(part)] for i in range(len(part), 16)])
    s = []
    s.append(f"    /**\n     * {T} token row(s) times {R} weight rows of {dt} (K a multiple of L, {{@link VectorMath#WIDE16}}): the dot\n"
             f"     * product of token t with row r goes to {{@code acc[SUMS + t * {R} + r]}}.\n     */\n")
    if prefetch:
        s.append(f"    static void dot{T}x{R}{dt}Prefetch(MemorySegment w, long wOff, long ws, float[] x, int xo, int ldx, int k, float[] acc,\n"
                 f"                                   long pf) {{\n")
        s.append("        int touched = 0;\n")
    else:
        s.append(f"    static void dot{T}x{R}{dt}(MemorySegment w, long wOff, long ws, float[] x, int xo, int ldx, int k, float[] acc) {{\n")
    s.append("        FloatVector z = FloatVector.zero(F);\n")
    s.append("        FloatVector " + ", ".join(f"{n} = z" for n in accs) + ";\n")
    for t in range(1, T):
        s.append(f"        int xo{t} = xo + {t} * ldx;\n")
    for r in range(1, R):
        s.append(f"        long w{r}o = wOff + {r} * ws;\n")
    s.append("        for (int i = 0; i < k; i += L) {\n")
    s.append(f"            long p = (long) i * {eb};\n")
    if prefetch:
        for r in range(R):
            s.append(f"            touched += w.get(TOUCH, pf + {r} * ws + p);\n")
    if x_first:
        for t in range(T):
            xo = "xo" if t == 0 else f"xo{t}"
            s.append(f"            FloatVector x{t} = FloatVector.fromArray(F, x, {xo} + i);\n")
        for r in range(R):
            off = "wOff + p" if r == 0 else f"w{r}o + p"
            if full is None:
                s.append(f16_load(f"w{r}", off, "            "))
            else:
                s.append(f"            FloatVector w{r} = {full.format(off=off)};\n")
            for t in range(T):
                s.append(f"            a{t}_{r} = x{t}.fma(w{r}, a{t}_{r});\n")
        R_loop = []
    else:
        R_loop = range(R)
    for r in R_loop:
        off = "wOff + p" if r == 0 else f"w{r}o + p"
        if full is None:
            s.append(f16_load(f"w{r}", off, "            "))
        else:
            s.append(f"            FloatVector w{r} = {full.format(off=off)};\n")
    for t in (range(T) if not x_first else []):
        xo = "xo" if t == 0 else f"xo{t}"
        s.append(f"            FloatVector x{t} = FloatVector.fromArray(F, x, {xo} + i);\n")
        for r in range(R):
            s.append(f"            a{t}_{r} = x{t}.fma(w{r}, a{t}_{r});\n")
    s.append("        }\n")
    for g, part in enumerate(groups):
        s.append(tree(part, group=g))
    if prefetch:
        s.append("        acc[0] = touched;\n")
    s.append("    }\n\n")
    return "".join(s)


HEADER = '''// GENERATED by tools/gen_kernels.py -- edit the generator, not this file.
package dev.railyard.backend.cpu;

import static dev.railyard.backend.cpu.VectorMath.BITREV;
import static dev.railyard.backend.cpu.VectorMath.F;
import static dev.railyard.backend.cpu.VectorMath.L;
import static dev.railyard.backend.cpu.VectorMath.LE;
import static dev.railyard.backend.cpu.VectorMath.M1;
import static dev.railyard.backend.cpu.VectorMath.M2;
import static dev.railyard.backend.cpu.VectorMath.M4;
import static dev.railyard.backend.cpu.VectorMath.M8;
import static dev.railyard.backend.cpu.VectorMath.SH;
import static dev.railyard.backend.cpu.VectorMath.SUMS;
import static dev.railyard.backend.cpu.VectorMath.VI;
import static dev.railyard.backend.cpu.VectorMath.X1;
import static dev.railyard.backend.cpu.VectorMath.X2;
import static dev.railyard.backend.cpu.VectorMath.X4;
import static dev.railyard.backend.cpu.VectorMath.X8;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Register-blocked dot-product micro-kernels for 512-bit vectors: token rows of activations
 * ({@code float[]}, row stride {@code ldx}) times weight rows (a {@link MemorySegment}, row stride
 * {@code ws} bytes, stored as float32, bfloat16 or float16), for K a multiple of the vector length.
 * Other shapes go through {@link GemmKernels#dotGeneric}.
 *
 * <p>Batch invariance: in every kernel, the dot product of one token row with one weight row is
 * accumulated in its own vector, over K in steps of {@code L} from 0 upwards, starting from zero,
 * by FMA; it is then summed by the fixed lane tree of {@link VectorMath}. Every kernel shape
 * therefore yields the same bits for the same pair, so the tile a pair falls in (which depends on
 * the batch size and the thread split) never changes a result.
 */
final class GemmKernels {

    private GemmKernels() {
    }

'''

# (tokens, rows) of the few-token tiles; keep in step with MatMul.FEW_TOKEN_ROWS
FEW_TOKEN_TILES = [(2, 8), (3, 8), (4, 4), (5, 4), (6, 4), (7, 2), (8, 2)]


def main():
    body = [HEADER]
    # decode (few tokens): weights read in their stored dtype; shapes chosen by measurement
    # (float16 widening is long: a small tile keeps the method within what C1/C2 compile)
    body.append(kernel("F32", 1, 16))
    body.append(kernel("F32", 1, 4))
    body.append(kernel("Bf16", 1, 8))
    body.append(kernel("Bf16", 1, 4))
    body.append(kernel("F16", 1, 4))
    # a few tokens (speculative verification, small batches): one pass over the weights in
    # their stored dtype, every token of the step in one tile (FEW_TOKEN_ROWS gives R for T)
    for dt in ("F32", "Bf16"):
        for t, r in FEW_TOKEN_TILES:
            if (dt, t, r) != ("F32", 4, 4):  # the batch kernel below serves that shape
                body.append(kernel(dt, t, r, x_first=True))
    # batches: weights widened to float32 panels, 4 tokens x 4 rows per tile
    body.append(kernel("F32", 4, 4))
    body.append("}\n")
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "..", OUT), "w") as f:
        f.write("".join(body))


if __name__ == "__main__":
    main()
