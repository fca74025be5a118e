package dev.railyard.backend.cuda;

/**
 * Which parts of a step of at most 8 token rows run in the decode kernels ({@link KernelSource#DECODE})
 * instead of the general path (RMSNorm kernel, cuBLAS GEMM, RoPE / SwiGLU kernel). One plan per
 * row bucket (1, 2, 4, 8); in {@code auto} mode each part is timed both ways at open and the faster
 * kept.
 *
 * @param qkv   RMSNorm + QKV product + bias + RoPE + K/V write in one kernel
 * @param o     the O product (+ residual + o_proj bias) in the decode kernel
 * @param gateUp RMSNorm + gate/up products + bias + SwiGLU in one kernel
 * @param down  the down product (+ residual + down_proj bias) in the decode kernel
 * @param head  the output head in the decode kernel
 */
record DecodePlan(boolean qkv, boolean o, boolean gateUp, boolean down, boolean head) {

    static final DecodePlan NONE = new DecodePlan(false, false, false, false, false);
    static final DecodePlan ALL = new DecodePlan(true, true, true, true, true);

    /**
     * The plan made consistent with the model: the fused norm kernels need the rows in shared
     * memory ({@code normFits}), and take the residual stream as it is, so the product before them
     * must have added its bias (only the decode kernel's epilogue does; the GEMM path leaves it to
     * the norm kernel).
     */
    DecodePlan constrained(boolean normFits, boolean hasOBias, boolean hasDownBias) {
        return new DecodePlan(qkv && normFits && (!hasDownBias || down), o, gateUp && normFits && (!hasOBias || o), down, head);
    }

    boolean any() {
        return qkv || o || gateUp || down || head;
    }

    String describe() {
        if (!any()) {
            return "GEMM path";
        }
        StringBuilder s = new StringBuilder();
        for (String[] p : new String[][] {{qkv ? "1" : "", "norm+qkv+rope"}, {o ? "1" : "", "o"}, {gateUp ? "1" : "", "norm+gate_up+swiglu"},
                {down ? "1" : "", "down"}, {head ? "1" : "", "lm_head"}}) {
            if (!p[0].isEmpty()) {
                s.append(s.isEmpty() ? "" : ", ").append(p[1]);
            }
        }
        return "kernels for " + s;
    }
}
