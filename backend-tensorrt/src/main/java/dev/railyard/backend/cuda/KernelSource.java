package dev.railyard.backend.cuda;

import dev.railyard.spi.model.ModelConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The CUDA C++ source of every kernel except the matrix products, specialised for one model by
 * {@code #define}s (sizes are compile-time constants) and compiled at open with NVRTC. Needs no
 * header: bfloat16 is handled as raw 16-bit values, tensor-core tiles through inline PTX
 * ({@code mma.sync.m16n8k16} bf16, sm_80 and later).
 *
 * <p>Layouts: the residual stream {@code x} is float32 {@code [T, HIDDEN]}; GEMM inputs are bf16;
 * the fused QKV product is float32 {@code [T, QD + 2 KVD]}; the KV pool of one layer is bf16 {@code
 * [numBlocks][NKV][BS][HD]} for keys, the same for values. Step metadata (all int32): per token
 * {@code tokens, pos, slot (block*BS+offset or -1 for padding), tokSeq (-1 for padding)}, per
 * sequence {@code seqInfo[4] = {qStart, qLen, ctxLen, blockTableOffset}}, the flat block tables,
 * the logit row indices, the decode token list and the prefill tile list {@code {seq, rowStart}}.
 */
final class KernelSource {

    /** Query rows per prefill tile (4 warps of 16). */
    static final int PREFILL_ROWS = 64;
    /** Slices up to this length go through the decode kernel (one block per token), longer ones through tiles. */
    static final int DECODE_MAX_LEN = 16;

    private KernelSource() {
    }

    /** Whether the tensor-core prefill kernel supports this head size. */
    static boolean prefillTilesSupported(int headDim) {
        return headDim % 16 == 0 && headDim <= 128;
    }

    /**
     * Warps of the decode kernel for {@code gb} heads per block (16 for one head of at most 128
     * dims, else 8), fewer when its shared memory would pass 46 KB.
     */
    static int decodeWarps(int gb, int headDim) {
        int w = gb == 1 && headDim <= 128 ? 16 : 8; // one head per block (few blocks at small batches): more warps split the keys
        while (w > 1 && decodeSharedBytes(w, gb, headDim) > 46 * 1024) {
            w /= 2;
        }
        return w;
    }

    /** Threads of the small-batch decode attention kernel ({@code attn_decode_1}) when {@link #fastDecodeAttention} holds. */
    static final int FAST_ATTENTION_THREADS = 256;

    /**
     * Whether {@code attn_decode_1}, the latency kernel for one query head per block, is compiled:
     * head sizes that are powers of two from 8 to 256 (a key's row is 1 to 32 lanes of 16 bytes).
     * Otherwise small batches take {@code attn_decode_w} (a warp per 32 keys, {@link #decodeWarps}).
     */
    static boolean fastDecodeAttention(int headDim) {
        return headDim >= 8 && headDim <= 256 && Integer.bitCount(headDim) == 1;
    }

    static long decodeSharedBytes(int w, int gb, int headDim) {
        return 4L * (gb * headDim + (long) w * gb * 32 + 2L * w * gb + (long) w * gb * headDim);
    }

    /** Token rows per step of the decode kernels (a step of t <= 8 rows uses the next power of two). */
    static final int[] DECODE_ROWS = {1, 2, 4, 8};
    /** Shared memory the decode kernels may use for the normalised input rows. */
    static final int DECODE_STAGE_BYTES = 40 * 1024;

    /** Whether the decode kernels (small-batch products) can run this model: 16-byte rows everywhere. */
    static boolean decodeKernelsSupported(ModelConfig c) {
        return c.hiddenSize() % 8 == 0 && c.intermediateSize() % 8 == 0 && c.queryDim() % 8 == 0;
    }

    /**
     * The largest row count (1, 2, 4 or 8) for which the fused norm + product kernels hold the
     * normalised rows in shared memory; 0 when not even one row fits.
     */
    static int decodeNormRows(ModelConfig c) {
        if (!decodeKernelsSupported(c)) {
            return 0;
        }
        for (int r = 8; r >= 1; r /= 2) {
            if ((long) r * c.hiddenSize() * 2 <= DECODE_STAGE_BYTES) {
                return r;
            }
        }
        return 0;
    }

    /** Most 16-byte weight loads in flight per lane in the down-product kernel (registers: 4 per load). */
    static final int DOWN_MAX_LOADS = 24;

    /**
     * Loads in flight per lane of {@code dk_down_*} for a row of {@code inter} bf16 values: a warp
     * reads the row in the fewest rounds of at most {@link #DOWN_MAX_LOADS} loads per lane, spread
     * evenly over the rounds (TinyLlama's 5632: one round of 22, where 16 at a time took two).
     */
    static int downLoads(int inter) {
        int perLane = Math.max(1, (inter / 8 + 31) / 32);
        int rounds = (perLane + DOWN_MAX_LOADS - 1) / DOWN_MAX_LOADS;
        return (perLane + rounds - 1) / rounds;
    }

    /** The names of the decode kernels compiled for this model. */
    static List<String> decodeKernelNames(ModelConfig c) {
        List<String> n = new ArrayList<>();
        if (!decodeKernelsSupported(c)) {
            return n;
        }
        int fr = decodeNormRows(c);
        for (int r : DECODE_ROWS) {
            n.add("dk_linear_" + r);
            n.add("dk_down_" + r);
            if (r <= fr) {
                n.add("dk_qkv_" + r);
                n.add("dk_gateup_" + r);
            }
        }
        return n;
    }

    static String source(ModelConfig c, int blockSize) {
        int hd = c.headDim();
        int gq = c.queriesPerKeyValueHead();
        StringBuilder s = new StringBuilder();
        def(s, "HIDDEN", c.hiddenSize());
        def(s, "NH", c.numAttentionHeads());
        def(s, "NKV", c.numKeyValueHeads());
        def(s, "GQ", gq);
        def(s, "HD", hd);
        def(s, "HALF", hd / 2);
        def(s, "QD", c.queryDim());
        def(s, "KVD", c.keyValueDim());
        def(s, "QKV_DIM", c.queryDim() + 2 * c.keyValueDim());
        def(s, "INTER", c.intermediateSize());
        def(s, "BS", blockSize);
        s.append("#define EPS ").append(flt(c.rmsNormEps())).append('\n');
        double scale = 1.0 / Math.sqrt(hd);
        s.append("#define SCALE ").append(flt(scale)).append('\n');
        s.append("#define SCALE_LOG2 ").append(flt(scale / Math.log(2))).append('\n');
        def(s, "PF_BM", PREFILL_ROWS);
        def(s, "DEC_WARPS_G", decodeWarps(gq, hd));
        def(s, "DEC_WARPS_1", decodeWarps(1, hd));
        def(s, "ATT_FAST", fastDecodeAttention(hd) ? 1 : 0);
        def(s, "PREFILL_TILES", prefillTilesSupported(hd) ? 1 : 0);
        s.append(BODY);
        if (decodeKernelsSupported(c)) {
            def(s, "DK_LOADS_DOWN", downLoads(c.intermediateSize()));
            s.append(DECODE);
            int fr = decodeNormRows(c);
            for (int r : DECODE_ROWS) {
                s.append(DECODE_LINEAR_ENTRY.replace("@R", Integer.toString(r)));
                if (r <= fr) {
                    s.append(DECODE_NORM_ENTRIES.replace("@R", Integer.toString(r)));
                }
            }
        }
        return s.toString();
    }

    private static void def(StringBuilder s, String name, int v) {
        s.append("#define ").append(name).append(' ').append(v).append('\n');
    }

    private static String flt(double v) {
        return String.format(Locale.ROOT, "%.9ef", v);
    }

    /** Everything is baked in, the KV block size too (kernels keep a {@code bs} argument, unused). */
    static final String BODY = """
            typedef unsigned short bf16_t;
            typedef unsigned int u32;
            // programmatic dependent launch (sm_90+): a kernel launched with it may start while the one before
            // finishes; it must wait (PDL_WAIT) before it touches what that one wrote, and lets the next one start
            // early (PDL_LAUNCH). Without the launch attribute both are no-ops.
            #if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 900
            #define PDL_WAIT() asm volatile("griddepcontrol.wait;" ::: "memory")
            #define PDL_LAUNCH() asm volatile("griddepcontrol.launch_dependents;" ::: "memory")
            #else
            #define PDL_WAIT()
            #define PDL_LAUNCH()
            #endif
            #define NEG_INF (__int_as_float(0xff800000))

            __device__ __forceinline__ float bf2f(bf16_t v) { return __uint_as_float(((u32)v) << 16); }
            __device__ __forceinline__ bf16_t f2bf(float f) {
                u32 u = __float_as_uint(f);
                if ((u & 0x7fffffffu) > 0x7f800000u) return (bf16_t)((u >> 16) | 0x40u);
                u += 0x7fffu + ((u >> 16) & 1u);
                return (bf16_t)(u >> 16);
            }
            __device__ __forceinline__ u32 pack2(float lo, float hi) { return (u32)f2bf(lo) | ((u32)f2bf(hi) << 16); }
            __device__ __forceinline__ float warpSum(float v) {
                for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
                return v;
            }
            __device__ __forceinline__ float warpMax(float v) {
                for (int o = 16; o > 0; o >>= 1) v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, o));
                return v;
            }
            // sum over the block; sh holds at least 33 floats; every thread gets the result
            __device__ float blockSum(float v, float* sh) {
                const int lane = threadIdx.x & 31, w = threadIdx.x >> 5;
                v = warpSum(v);
                if (lane == 0) sh[w] = v;
                __syncthreads();
                const int nw = (blockDim.x + 31) >> 5;
                if (w == 0) {
                    float t = lane < nw ? sh[lane] : 0.f;
                    t = warpSum(t);
                    if (lane == 0) sh[32] = t;
                }
                __syncthreads();
                return sh[32];
            }
            __device__ __forceinline__ long kvIndex(int blk, int kh, int off, int bs) {
                return (((long)blk * NKV + kh) * BS + off) * HD;
            }

            // x[t] = embedding[tokens[t]] as float
            extern "C" __global__ void embed_kernel(const int* __restrict__ tokens, const bf16_t* __restrict__ table,
                                                    float* __restrict__ x, int rows) {
                const int t = blockIdx.x;
                if (t >= rows) return;
                const bf16_t* src = table + (long)tokens[t] * HIDDEN;
                float* dst = x + (long)t * HIDDEN;
                for (int i = threadIdx.x; i < HIDDEN; i += blockDim.x) dst[i] = bf2f(src[i]);
            }

            // out[r] = bf16(rmsnorm(x[src] (+ bias)) * w), src = rowIdx ? rowIdx[r] : r;
            // with writeBack, x[src] (+ bias) is stored back (fused residual bias add)
            extern "C" __global__ void rmsnorm_kernel(float* __restrict__ x, const float* __restrict__ bias,
                                                      const int* __restrict__ rowIdx, const float* __restrict__ w,
                                                      bf16_t* __restrict__ out, int rows, int writeBack) {
                __shared__ float sh[33];
                const int r = blockIdx.x;
                if (r >= rows) return;
                const int src = rowIdx ? rowIdx[r] : r;
                float* xr = x + (long)src * HIDDEN;
                float ss = 0.f;
                for (int i = threadIdx.x; i < HIDDEN; i += blockDim.x) {
                    float v = xr[i];
                    if (bias) v += bias[i];
                    ss += v * v;
                }
                ss = blockSum(ss, sh);
                const float inv = rsqrtf(ss / (float)HIDDEN + EPS);
                bf16_t* o = out + (long)r * HIDDEN;
                for (int i = threadIdx.x; i < HIDDEN; i += blockDim.x) {
                    float v = xr[i];
                    if (bias) {
                        v += bias[i];
                        if (writeBack) xr[i] = v;
                    }
                    o[i] = f2bf(v * inv * w[i]);
                }
            }

            // qkv (+bias) -> RoPE(q) as bf16 into qout; RoPE(k), v as bf16 into the paged pool at slot[t]
            extern "C" __global__ void qkv_rope_kernel(const float* __restrict__ qkv, const float* __restrict__ bias,
                                                       const int* __restrict__ pos, const int* __restrict__ slots,
                                                       const float* __restrict__ cosT, const float* __restrict__ sinT,
                                                       bf16_t* __restrict__ qout, bf16_t* __restrict__ kc,
                                                       bf16_t* __restrict__ vc, int rows, int bs) {
                const int t = blockIdx.x;
                if (t >= rows) return;
                const float* row = qkv + (long)t * QKV_DIM;
                const float* cs = cosT + (long)pos[t] * HALF;
                const float* sn = sinT + (long)pos[t] * HALF;
                bf16_t* qo = qout + (long)t * QD;
                for (int i = threadIdx.x; i < NH * HALF; i += blockDim.x) {
                    const int h = i / HALF, j = i - h * HALF;
                    const int a = h * HD + j, b = a + HALF;
                    float x1 = row[a], x2 = row[b];
                    if (bias) { x1 += bias[a]; x2 += bias[b]; }
                    const float c = cs[j], s = sn[j];
                    qo[a] = f2bf(x1 * c - x2 * s);
                    qo[b] = f2bf(x2 * c + x1 * s);
                }
                const int slot = slots[t];
                if (slot < 0) return;
                const int blk = slot / BS, off = slot - blk * BS;
                for (int i = threadIdx.x; i < NKV * HALF; i += blockDim.x) {
                    const int h = i / HALF, j = i - h * HALF;
                    const int a = QD + h * HD + j, b = a + HALF;
                    float x1 = row[a], x2 = row[b];
                    if (bias) { x1 += bias[a]; x2 += bias[b]; }
                    const float c = cs[j], s = sn[j];
                    const long dst = kvIndex(blk, h, off, bs) + j;
                    kc[dst] = f2bf(x1 * c - x2 * s);
                    kc[dst + HALF] = f2bf(x2 * c + x1 * s);
                }
                for (int i = threadIdx.x; i < KVD; i += blockDim.x) {
                    const int h = i / HD, d = i - h * HD;
                    float v = row[QD + KVD + i];
                    if (bias) v += bias[QD + KVD + i];
                    vc[kvIndex(blk, h, off, bs) + d] = f2bf(v);
                }
            }

            // act[t, i] = silu(gate + bg) * (up + bu); gu is [T, 2*INTER] (gate columns first)
            extern "C" __global__ void swiglu_kernel(const bf16_t* __restrict__ gu, const float* __restrict__ bias,
                                                     bf16_t* __restrict__ out, int rows) {
            #if INTER % 8 == 0
                const long n8 = (long)rows * (INTER / 8);
                for (long i = (long)blockIdx.x * blockDim.x + threadIdx.x; i < n8; i += (long)gridDim.x * blockDim.x) {
                    const long t = i / (INTER / 8);
                    const int c = (int)(i - t * (INTER / 8)) * 8;
                    const uint4 gv = *(const uint4*)(gu + t * 2 * INTER + c);
                    const uint4 uv = *(const uint4*)(gu + t * 2 * INTER + INTER + c);
                    const u32 ga[4] = {gv.x, gv.y, gv.z, gv.w};
                    const u32 ua[4] = {uv.x, uv.y, uv.z, uv.w};
                    u32 r[4];
                    #pragma unroll
                    for (int k = 0; k < 4; ++k) {
                        float g0 = __uint_as_float(ga[k] << 16), g1 = __uint_as_float(ga[k] & 0xffff0000u);
                        float u0 = __uint_as_float(ua[k] << 16), u1 = __uint_as_float(ua[k] & 0xffff0000u);
                        if (bias) {
                            g0 += bias[c + 2 * k]; g1 += bias[c + 2 * k + 1];
                            u0 += bias[INTER + c + 2 * k]; u1 += bias[INTER + c + 2 * k + 1];
                        }
                        r[k] = pack2(g0 / (1.f + expf(-g0)) * u0, g1 / (1.f + expf(-g1)) * u1);
                    }
                    *(uint4*)(out + t * INTER + c) = make_uint4(r[0], r[1], r[2], r[3]);
                }
            #else
                const long n = (long)rows * INTER;
                for (long i = (long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long)gridDim.x * blockDim.x) {
                    const long t = i / INTER;
                    const int c = (int)(i - t * INTER);
                    float g = bf2f(gu[t * 2 * INTER + c]);
                    float u = bf2f(gu[t * 2 * INTER + INTER + c]);
                    if (bias) { g += bias[c]; u += bias[INTER + c]; }
                    out[i] = f2bf(g / (1.f + expf(-g)) * u);
                }
            #endif
            }

            // the stream waits here for ns nanoseconds (the profiler holds the GPU while a step is enqueued)
            extern "C" __global__ void spin_kernel(unsigned long long ns) {
                unsigned long long t0, t;
                asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(t0));
                do {
                    asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(t));
                } while (t - t0 < ns);
            }

            // ---- decode attention: one block per (query token, group of GB query heads) ----
            // lanes take one key each for q.k, then the dims of the output for p.v; warps split the keys;
            // an online softmax per warp, merged at the end. Any number of query tokens per sequence.
            #define DPL ((HD + 31) / 32)
            template <int GB, int W>
            __device__ __forceinline__ void attn_decode_impl(const bf16_t* __restrict__ q, const bf16_t* __restrict__ kc,
                    const bf16_t* __restrict__ vc, const int* __restrict__ tokList, const int* __restrict__ tokSeq,
                    const int* __restrict__ pos, const int* __restrict__ seqInfo, const int* __restrict__ bt,
                    bf16_t* __restrict__ out, int bs) {
                __shared__ __align__(16) float qs[GB][HD];
                __shared__ float pb[W][GB][32];
                __shared__ float wm[W][GB];
                __shared__ float wl[W][GB];
                __shared__ float wacc[W][GB][HD];
                PDL_WAIT();
                PDL_LAUNCH();
                const int t = tokList[blockIdx.x];
                const int h0 = blockIdx.y * GB;
                const int kh = h0 / GQ;
                const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
                bf16_t* o = out + (long)t * QD + h0 * HD;
                const int s = tokSeq[t];
                if (s < 0) {
                    for (int i = threadIdx.x; i < GB * HD; i += blockDim.x) o[i] = 0;
                    return;
                }
                for (int i = threadIdx.x; i < GB * HD; i += blockDim.x)
                    qs[i / HD][i % HD] = bf2f(q[(long)t * QD + h0 * HD + i]) * SCALE_LOG2;
                __syncthreads();
                const int nkeys = pos[t] + 1;
                const int* tab = bt + seqInfo[s * 4 + 3];
                float m[GB], l[GB], acc[GB][DPL];
                #pragma unroll
                for (int g = 0; g < GB; ++g) {
                    m[g] = NEG_INF; l[g] = 0.f;
                    #pragma unroll
                    for (int i = 0; i < DPL; ++i) acc[g][i] = 0.f;
                }
                for (int c0 = warp * 32; c0 < nkeys; c0 += W * 32) {
                    const int j = c0 + lane;
                    float sc[GB];
                    #pragma unroll
                    for (int g = 0; g < GB; ++g) sc[g] = 0.f;
                    long long rowOff = 0;   // this lane's key row in the pool (K and V share the layout)
                    if (j < nkeys) {
                        const int jb = j / BS;
                        rowOff = kvIndex(tab[jb], kh, j - jb * BS, bs);
                        const bf16_t* kp = kc + rowOff;
            #if HD % 8 == 0
                        for (int d = 0; d < HD; d += 8) {
                            const uint4 raw = *(const uint4*)(kp + d);
                            float kf[8];
                            kf[0] = __uint_as_float(raw.x << 16); kf[1] = __uint_as_float(raw.x & 0xffff0000u);
                            kf[2] = __uint_as_float(raw.y << 16); kf[3] = __uint_as_float(raw.y & 0xffff0000u);
                            kf[4] = __uint_as_float(raw.z << 16); kf[5] = __uint_as_float(raw.z & 0xffff0000u);
                            kf[6] = __uint_as_float(raw.w << 16); kf[7] = __uint_as_float(raw.w & 0xffff0000u);
                            #pragma unroll
                            for (int g = 0; g < GB; ++g) {
                                const float4 qa = *(const float4*)&qs[g][d];
                                const float4 qb = *(const float4*)&qs[g][d + 4];
                                sc[g] += qa.x * kf[0] + qa.y * kf[1] + qa.z * kf[2] + qa.w * kf[3]
                                       + qb.x * kf[4] + qb.y * kf[5] + qb.z * kf[6] + qb.w * kf[7];
                            }
                        }
            #else
                        for (int d = 0; d < HD; ++d) {
                            const float kf = bf2f(kp[d]);
                            #pragma unroll
                            for (int g = 0; g < GB; ++g) sc[g] += qs[g][d] * kf;
                        }
            #endif
                    } else {
                        #pragma unroll
                        for (int g = 0; g < GB; ++g) sc[g] = NEG_INF;
                    }
                    #pragma unroll
                    for (int g = 0; g < GB; ++g) {
                        const float mn = fmaxf(m[g], warpMax(sc[g]));   // finite: key c0 is valid
                        const float corr = exp2f(m[g] - mn);
                        const float p = j < nkeys ? exp2f(sc[g] - mn) : 0.f;
                        l[g] = l[g] * corr + warpSum(p);
                        #pragma unroll
                        for (int i = 0; i < DPL; ++i) acc[g][i] *= corr;
                        m[g] = mn;
                        pb[warp][g][lane] = p;
                    }
                    __syncwarp();
                    const int cnt = min(32, nkeys - c0);
                    if (cnt == 32) {
                        // independent loads: the row offsets come by shuffle, not from memory
                        #pragma unroll 16
                        for (int jj = 0; jj < 32; ++jj) {
                            const bf16_t* vp = vc + __shfl_sync(0xffffffffu, rowOff, jj);
                            #pragma unroll
                            for (int i = 0; i < DPL; ++i) {
                                const int d = lane + 32 * i;
                                if (d < HD) {
                                    const float vf = bf2f(vp[d]);
                                    #pragma unroll
                                    for (int g = 0; g < GB; ++g) acc[g][i] += pb[warp][g][jj] * vf;
                                }
                            }
                        }
                    } else {
                        for (int jj = 0; jj < cnt; ++jj) {
                            const bf16_t* vp = vc + __shfl_sync(0xffffffffu, rowOff, jj);
                            #pragma unroll
                            for (int i = 0; i < DPL; ++i) {
                                const int d = lane + 32 * i;
                                if (d < HD) {
                                    const float vf = bf2f(vp[d]);
                                    #pragma unroll
                                    for (int g = 0; g < GB; ++g) acc[g][i] += pb[warp][g][jj] * vf;
                                }
                            }
                        }
                    }
                    __syncwarp();
                }
                if (lane == 0) {
                    #pragma unroll
                    for (int g = 0; g < GB; ++g) { wm[warp][g] = m[g]; wl[warp][g] = l[g]; }
                }
                #pragma unroll
                for (int g = 0; g < GB; ++g) {
                    #pragma unroll
                    for (int i = 0; i < DPL; ++i) {
                        const int d = lane + 32 * i;
                        if (d < HD) wacc[warp][g][d] = acc[g][i];
                    }
                }
                __syncthreads();
                for (int idx = threadIdx.x; idx < GB * HD; idx += blockDim.x) {
                    const int g = idx / HD, d = idx - g * HD;
                    float M = NEG_INF;
                    for (int w = 0; w < W; ++w) M = fmaxf(M, wm[w][g]);
                    float L = 0.f, A = 0.f;
                    for (int w = 0; w < W; ++w) {
                        const float mw = wm[w][g];
                        if (mw == NEG_INF) continue;
                        const float f = exp2f(mw - M);
                        L += wl[w][g] * f;
                        A += wacc[w][g][d] * f;
                    }
                    o[idx] = f2bf(A / L);
                }
            }
            extern "C" __global__ void __launch_bounds__(DEC_WARPS_G * 32) attn_decode_g(const bf16_t* q, const bf16_t* kc,
                    const bf16_t* vc, const int* tokList, const int* tokSeq, const int* pos, const int* seqInfo,
                    const int* bt, bf16_t* out, int bs) {
                attn_decode_impl<GQ, DEC_WARPS_G>(q, kc, vc, tokList, tokSeq, pos, seqInfo, bt, out, bs);
            }
            extern "C" __global__ void __launch_bounds__(DEC_WARPS_1 * 32) attn_decode_w(const bf16_t* q, const bf16_t* kc,
                    const bf16_t* vc, const int* tokList, const int* tokSeq, const int* pos, const int* seqInfo,
                    const int* bt, bf16_t* out, int bs) {
                attn_decode_impl<1, DEC_WARPS_1>(q, kc, vc, tokList, tokSeq, pos, seqInfo, bt, out, bs);
            }
            #if ATT_FAST
            // ---- decode attention for small batches: one block per (query token, query head), head size a power of two ----
            // Built for latency, not throughput. Before griddepcontrol.wait (while the QKV kernel still runs) a block reads
            // the step metadata and the block table, loads the K/V rows of the first chunk of keys cached by earlier steps
            // into registers and prefetches the later cached rows into L2; after the wait it loads q and the rows the QKV
            // kernel just wrote. The keys of a chunk are spread over every lane of the block (AT_LPK lanes per key, one
            // 16-byte piece each, AT_R rounds in flight at once); the chunk's maximum is taken over the block, so the
            // running sums need no merge at the end but one over the lanes and warps (fixed order: deterministic).
            #define AT_THREADS 256
            #define AT_WARPS 8
            #define AT_LPK (HD / 8)
            #define AT_KPW (32 / AT_LPK)
            #define AT_KPR (AT_WARPS * AT_KPW)
            #define AT_R 8
            #define AT_CHUNK (AT_R * AT_KPR)
            #define AT_TAB 512
            #define AT_LINES ((HD * 2 + 127) / 128)
            // L2-only loads: the rows are read once per block, and a line read before the wait must not be served stale
            // from L1 after it (rows of a small head share lines with rows the QKV kernel writes)
            __device__ __forceinline__ uint4 at_ld(const bf16_t* p) {
                uint4 v;
                asm volatile("ld.global.cg.v4.u32 {%0, %1, %2, %3}, [%4];" : "=r"(v.x), "=r"(v.y), "=r"(v.z), "=r"(v.w) : "l"(p));
                return v;
            }
            __device__ __forceinline__ void at_unpack(const uint4 v, float* f) {
                f[0] = __uint_as_float(v.x << 16); f[1] = __uint_as_float(v.x & 0xffff0000u);
                f[2] = __uint_as_float(v.y << 16); f[3] = __uint_as_float(v.y & 0xffff0000u);
                f[4] = __uint_as_float(v.z << 16); f[5] = __uint_as_float(v.z & 0xffff0000u);
                f[6] = __uint_as_float(v.w << 16); f[7] = __uint_as_float(v.w & 0xffff0000u);
            }
            extern "C" __global__ void __launch_bounds__(AT_THREADS) attn_decode_1(const bf16_t* __restrict__ q,
                    const bf16_t* __restrict__ kc, const bf16_t* __restrict__ vc, const int* __restrict__ tokList,
                    const int* __restrict__ tokSeq, const int* __restrict__ pos, const int* __restrict__ seqInfo,
                    const int* __restrict__ bt, bf16_t* __restrict__ out, int bs) {
                __shared__ int tabS[AT_TAB];
                __shared__ float red[2][AT_WARPS];
                __shared__ __align__(16) float wacc[AT_WARPS][HD];
                __shared__ float wl[AT_WARPS];
                const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
                const int gi = lane / AT_LPK, pi = lane - gi * AT_LPK;   // key within the warp's round, piece of its row
                const int kb = warp * AT_KPW + gi;                       // key within a round
                const int h = blockIdx.y, kh = h / GQ;
                // step metadata: uploaded before the step, safe to read before the wait
                const int t = tokList[blockIdx.x];
                const int s = tokSeq[t];
                int nkeys = 0, nst = 0;
                const int* tab = bt;
                if (s >= 0) {
                    nkeys = pos[t] + 1;
                    nst = min(seqInfo[s * 4 + 2], nkeys);   // keys cached by earlier steps: nothing in flight writes them
                    tab = bt + seqInfo[s * 4 + 3];
                    const int nb = min((nkeys + BS - 1) / BS, AT_TAB);
                    for (int i = threadIdx.x; i < nb; i += AT_THREADS) tabS[i] = tab[i];
                }
                __syncthreads();
                // L2 prefetch of the cached rows past the first chunk
                for (int i = AT_CHUNK * AT_LINES + threadIdx.x; i < nst * AT_LINES; i += AT_THREADS) {
                    const int j = i / AT_LINES, ln = i - j * AT_LINES;
                    const int jb = j / BS;
                    const long off = kvIndex(jb < AT_TAB ? tabS[jb] : tab[jb], kh, j - jb * BS, bs) + ln * 64;
                    asm volatile("prefetch.global.L2 [%0];" :: "l"(kc + off));
                    asm volatile("prefetch.global.L2 [%0];" :: "l"(vc + off));
                }
                // the first chunk's cached rows into registers
                uint4 kr[AT_R], vr[AT_R];
                #pragma unroll
                for (int r = 0; r < AT_R; ++r) {
                    const int j = r * AT_KPR + kb;
                    kr[r] = make_uint4(0u, 0u, 0u, 0u);
                    vr[r] = make_uint4(0u, 0u, 0u, 0u);
                    if (j < nst) {
                        const int jb = j / BS;
                        const long off = kvIndex(jb < AT_TAB ? tabS[jb] : tab[jb], kh, j - jb * BS, bs) + pi * 8;
                        kr[r] = at_ld(kc + off);
                        vr[r] = at_ld(vc + off);
                    }
                }
                PDL_WAIT();
                PDL_LAUNCH();
                bf16_t* o = out + (long)t * QD + h * HD;
                if (s < 0) {   // padding row
                    for (int i = threadIdx.x; i < HD; i += AT_THREADS) o[i] = 0;
                    return;
                }
                float qf[8];
                at_unpack(at_ld(q + (long)t * QD + h * HD + pi * 8), qf);
                #pragma unroll
                for (int k = 0; k < 8; ++k) qf[k] *= SCALE_LOG2;
                float m = NEG_INF, l = 0.f, acc[8];
                #pragma unroll
                for (int k = 0; k < 8; ++k) acc[k] = 0.f;
                int c = 0;
                for (int c0 = 0; c0 < nkeys; c0 += AT_CHUNK, ++c) {
                    #pragma unroll
                    for (int r = 0; r < AT_R; ++r) {
                        const int j = c0 + r * AT_KPR + kb;
                        const bool need = c0 == 0 ? (j >= nst && j < nkeys) : j < nkeys;   // chunk 0: the rows written this step
                        if (c0 > 0) {
                            kr[r] = make_uint4(0u, 0u, 0u, 0u);
                            vr[r] = make_uint4(0u, 0u, 0u, 0u);
                        }
                        if (need) {
                            const int jb = j / BS;
                            const long off = kvIndex(jb < AT_TAB ? tabS[jb] : tab[jb], kh, j - jb * BS, bs) + pi * 8;
                            kr[r] = at_ld(kc + off);
                            vr[r] = at_ld(vc + off);
                        }
                    }
                    float sc[AT_R];
                    float mx = NEG_INF;
                    #pragma unroll
                    for (int r = 0; r < AT_R; ++r) {
                        float kf[8];
                        at_unpack(kr[r], kf);
                        float d = 0.f;
                        #pragma unroll
                        for (int k = 0; k < 8; ++k) d = fmaf(qf[k], kf[k], d);
                        #pragma unroll
                        for (int x = 1; x < AT_LPK; x <<= 1) d += __shfl_xor_sync(0xffffffffu, d, x);
                        sc[r] = c0 + r * AT_KPR + kb < nkeys ? d : NEG_INF;
                        mx = fmaxf(mx, sc[r]);
                    }
                    mx = warpMax(mx);
                    if (lane == 0) red[c & 1][warp] = mx;
                    __syncthreads();
                    float mc = red[c & 1][0];
                    #pragma unroll
                    for (int w = 1; w < AT_WARPS; ++w) mc = fmaxf(mc, red[c & 1][w]);
                    const float mn = fmaxf(m, mc);   // finite: key c0 is valid
                    const float corr = exp2f(m - mn);
                    l *= corr;
                    #pragma unroll
                    for (int k = 0; k < 8; ++k) acc[k] *= corr;
                    #pragma unroll
                    for (int r = 0; r < AT_R; ++r) {
                        const float p = exp2f(sc[r] - mn);
                        l += p;
                        float vf[8];
                        at_unpack(vr[r], vf);
                        #pragma unroll
                        for (int k = 0; k < 8; ++k) acc[k] = fmaf(p, vf[k], acc[k]);
                    }
                    m = mn;
                }
                // sum over the keys of the warp (lanes of one piece), then over the warps
                #pragma unroll
                for (int x = AT_LPK; x < 32; x <<= 1) {
                    #pragma unroll
                    for (int k = 0; k < 8; ++k) acc[k] += __shfl_xor_sync(0xffffffffu, acc[k], x);
                }
                const float lw = warpSum(pi == 0 ? l : 0.f);
                if (gi == 0) {
                    *(float4*)&wacc[warp][pi * 8] = make_float4(acc[0], acc[1], acc[2], acc[3]);
                    *(float4*)&wacc[warp][pi * 8 + 4] = make_float4(acc[4], acc[5], acc[6], acc[7]);
                }
                if (lane == 0) wl[warp] = lw;
                __syncthreads();
                for (int d = threadIdx.x; d < HD; d += AT_THREADS) {
                    float A = 0.f, L = 0.f;
                    #pragma unroll
                    for (int w = 0; w < AT_WARPS; ++w) { A += wacc[w][d]; L += wl[w]; }
                    o[d] = f2bf(A / L);
                }
            }
            #endif

            // ---- prefill attention on the tensor cores (flash-attention style) ----
            // one block = 64 query rows of one sequence x one query head; 4 warps of 16 rows;
            // key tiles of 64 read from the paged pool into shared memory (V transposed).
            #if PREFILL_TILES
            #define PF_BN 64
            #define KPAD 8
            __device__ __forceinline__ void mma16816(float* d, const u32* a, u32 b0, u32 b1) {
                asm volatile("mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 "
                             "{%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};\\n"
                             : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
                             : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
            }
            #define PF_CH (PF_BN * (HD / 8) / 128)
            // registers <- the K and V rows of keys [k0, k0 + PF_BN) (zeros past nkeys); 16-byte pieces
            __device__ __forceinline__ void pf_load(uint4* pk, uint4* pv, const bf16_t* __restrict__ kc,
                    const bf16_t* __restrict__ vc, const int* __restrict__ tab, int kh, int k0, int nkeys) {
                #pragma unroll
                for (int u = 0; u < PF_CH; ++u) {
                    const int c = threadIdx.x + 128 * u;
                    const int kr = c % PF_BN, d8 = (c / PF_BN) * 8;
                    const int j = k0 + kr;
                    uint4 kv = make_uint4(0u, 0u, 0u, 0u), vv = make_uint4(0u, 0u, 0u, 0u);
                    if (j < nkeys) {
                        const int jb = j / BS;
                        const long base = kvIndex(tab[jb], kh, j - jb * BS, BS) + d8;
                        kv = *(const uint4*)(kc + base);
                        vv = *(const uint4*)(vc + base);
                    }
                    pk[u] = kv;
                    pv[u] = vv;
                }
            }
            // shared memory <- registers: K row-major, V transposed
            __device__ __forceinline__ void pf_store(bf16_t (*Ks)[HD + KPAD], bf16_t (*Vt)[PF_BN + KPAD], const uint4* pk,
                                                     const uint4* pv) {
                #pragma unroll
                for (int u = 0; u < PF_CH; ++u) {
                    const int c = threadIdx.x + 128 * u;
                    const int kr = c % PF_BN, d8 = (c / PF_BN) * 8;
                    *(uint4*)&Ks[kr][d8] = pk[u];
                    const uint4 vv = pv[u];
                    Vt[d8 + 0][kr] = (bf16_t)(vv.x & 0xffffu); Vt[d8 + 1][kr] = (bf16_t)(vv.x >> 16);
                    Vt[d8 + 2][kr] = (bf16_t)(vv.y & 0xffffu); Vt[d8 + 3][kr] = (bf16_t)(vv.y >> 16);
                    Vt[d8 + 4][kr] = (bf16_t)(vv.z & 0xffffu); Vt[d8 + 5][kr] = (bf16_t)(vv.z >> 16);
                    Vt[d8 + 6][kr] = (bf16_t)(vv.w & 0xffffu); Vt[d8 + 7][kr] = (bf16_t)(vv.w >> 16);
                }
            }
            extern "C" __global__ void __launch_bounds__(128) attn_prefill_kernel(const bf16_t* __restrict__ q,
                    const bf16_t* __restrict__ kc, const bf16_t* __restrict__ vc, const int* __restrict__ tiles,
                    const int* __restrict__ seqInfo, const int* __restrict__ bt, bf16_t* __restrict__ out, int bs) {
                __shared__ __align__(16) bf16_t Ks[PF_BN][HD + KPAD];
                __shared__ __align__(16) bf16_t Vt[HD][PF_BN + KPAD];
                const int h = blockIdx.y, kh = h / GQ;
                const int s = tiles[blockIdx.x * 2], r0 = tiles[blockIdx.x * 2 + 1];
                const int qStart = seqInfo[s * 4], qLen = seqInfo[s * 4 + 1], ctx = seqInfo[s * 4 + 2];
                const int* tab = bt + seqInfo[s * 4 + 3];
                const int warp = threadIdx.x >> 5, lane = threadIdx.x & 31, g = lane >> 2, tig = lane & 3;
                const int rowA = r0 + warp * 16 + g, rowB = rowA + 8;
                const int posA = ctx + rowA, posB = ctx + rowB;
                const bool warpActive = r0 + warp * 16 < qLen;
                u32 qf[HD / 16][4];
                #pragma unroll
                for (int k = 0; k < HD / 16; ++k) {
                    const int col = h * HD + k * 16 + tig * 2;
                    const u32* qa = (const u32*)(q + (long)(qStart + rowA) * QD + col);
                    const u32* qb = (const u32*)(q + (long)(qStart + rowB) * QD + col);
                    qf[k][0] = rowA < qLen ? qa[0] : 0u;
                    qf[k][1] = rowB < qLen ? qb[0] : 0u;
                    qf[k][2] = rowA < qLen ? qa[4] : 0u;
                    qf[k][3] = rowB < qLen ? qb[4] : 0u;
                }
                float o[HD / 8][4];
                #pragma unroll
                for (int i = 0; i < HD / 8; ++i) { o[i][0] = 0.f; o[i][1] = 0.f; o[i][2] = 0.f; o[i][3] = 0.f; }
                float mA = NEG_INF, mB = NEG_INF, lA = 0.f, lB = 0.f;
                const int lastRow = min(r0 + PF_BM, qLen) - 1;
                const int nkeys = ctx + lastRow + 1;
                uint4 pk[PF_CH], pv[PF_CH];
                pf_load(pk, pv, kc, vc, tab, kh, 0, nkeys);
                for (int k0 = 0; k0 < nkeys; k0 += PF_BN) {
                    __syncthreads();   // every warp is done with the previous tile
                    pf_store(Ks, Vt, pk, pv);
                    __syncthreads();
                    if (k0 + PF_BN < nkeys) pf_load(pk, pv, kc, vc, tab, kh, k0 + PF_BN, nkeys);   // in flight during the maths
                    if (!warpActive) continue;
                    float sf[PF_BN / 8][4];
                    #pragma unroll
                    for (int nt = 0; nt < PF_BN / 8; ++nt) {
                        sf[nt][0] = 0.f; sf[nt][1] = 0.f; sf[nt][2] = 0.f; sf[nt][3] = 0.f;
                        #pragma unroll
                        for (int k = 0; k < HD / 16; ++k) {
                            const u32 b0 = *(const u32*)&Ks[nt * 8 + g][k * 16 + tig * 2];
                            const u32 b1 = *(const u32*)&Ks[nt * 8 + g][k * 16 + tig * 2 + 8];
                            mma16816(sf[nt], qf[k], b0, b1);
                        }
                    }
                    float mxA = NEG_INF, mxB = NEG_INF;
                    #pragma unroll
                    for (int nt = 0; nt < PF_BN / 8; ++nt) {
                        const int j0 = k0 + nt * 8 + tig * 2;
                        sf[nt][0] = (j0 <= posA && j0 < nkeys) ? sf[nt][0] * SCALE_LOG2 : NEG_INF;
                        sf[nt][1] = (j0 + 1 <= posA && j0 + 1 < nkeys) ? sf[nt][1] * SCALE_LOG2 : NEG_INF;
                        sf[nt][2] = (j0 <= posB && j0 < nkeys) ? sf[nt][2] * SCALE_LOG2 : NEG_INF;
                        sf[nt][3] = (j0 + 1 <= posB && j0 + 1 < nkeys) ? sf[nt][3] * SCALE_LOG2 : NEG_INF;
                        mxA = fmaxf(mxA, fmaxf(sf[nt][0], sf[nt][1]));
                        mxB = fmaxf(mxB, fmaxf(sf[nt][2], sf[nt][3]));
                    }
                    mxA = fmaxf(mxA, __shfl_xor_sync(0xffffffffu, mxA, 1));
                    mxA = fmaxf(mxA, __shfl_xor_sync(0xffffffffu, mxA, 2));
                    mxB = fmaxf(mxB, __shfl_xor_sync(0xffffffffu, mxB, 1));
                    mxB = fmaxf(mxB, __shfl_xor_sync(0xffffffffu, mxB, 2));
                    const float mnA = fmaxf(mA, mxA), mnB = fmaxf(mB, mxB);
                    const float baseA = mnA == NEG_INF ? 0.f : mnA, baseB = mnB == NEG_INF ? 0.f : mnB;
                    const float corrA = exp2f(mA - baseA), corrB = exp2f(mB - baseB);
                    float sumA = 0.f, sumB = 0.f;
                    #pragma unroll
                    for (int nt = 0; nt < PF_BN / 8; ++nt) {
                        sf[nt][0] = exp2f(sf[nt][0] - baseA); sf[nt][1] = exp2f(sf[nt][1] - baseA);
                        sf[nt][2] = exp2f(sf[nt][2] - baseB); sf[nt][3] = exp2f(sf[nt][3] - baseB);
                        sumA += sf[nt][0] + sf[nt][1];
                        sumB += sf[nt][2] + sf[nt][3];
                    }
                    sumA += __shfl_xor_sync(0xffffffffu, sumA, 1);
                    sumA += __shfl_xor_sync(0xffffffffu, sumA, 2);
                    sumB += __shfl_xor_sync(0xffffffffu, sumB, 1);
                    sumB += __shfl_xor_sync(0xffffffffu, sumB, 2);
                    lA = lA * corrA + sumA; lB = lB * corrB + sumB;
                    mA = mnA; mB = mnB;
                    #pragma unroll
                    for (int i = 0; i < HD / 8; ++i) { o[i][0] *= corrA; o[i][1] *= corrA; o[i][2] *= corrB; o[i][3] *= corrB; }
                    #pragma unroll
                    for (int kk = 0; kk < PF_BN / 16; ++kk) {
                        u32 a[4];
                        a[0] = pack2(sf[2 * kk][0], sf[2 * kk][1]);
                        a[1] = pack2(sf[2 * kk][2], sf[2 * kk][3]);
                        a[2] = pack2(sf[2 * kk + 1][0], sf[2 * kk + 1][1]);
                        a[3] = pack2(sf[2 * kk + 1][2], sf[2 * kk + 1][3]);
                        #pragma unroll
                        for (int dt = 0; dt < HD / 8; ++dt) {
                            const u32 b0 = *(const u32*)&Vt[dt * 8 + g][kk * 16 + tig * 2];
                            const u32 b1 = *(const u32*)&Vt[dt * 8 + g][kk * 16 + tig * 2 + 8];
                            mma16816(o[dt], a, b0, b1);
                        }
                    }
                }
                if (!warpActive) return;
                const float invA = lA > 0.f ? 1.f / lA : 0.f, invB = lB > 0.f ? 1.f / lB : 0.f;
                #pragma unroll
                for (int dt = 0; dt < HD / 8; ++dt) {
                    const int col = h * HD + dt * 8 + tig * 2;
                    if (rowA < qLen) *(u32*)(out + (long)(qStart + rowA) * QD + col) = pack2(o[dt][0] * invA, o[dt][1] * invA);
                    if (rowB < qLen) *(u32*)(out + (long)(qStart + rowB) * QD + col) = pack2(o[dt][2] * invB, o[dt][3] * invB);
                }
            }
            #endif
            """;

    /**
     * The decode kernels: products of at most 8 token rows (decode steps of small batches), which
     * are bound by the weight bytes. One warp per output feature (or per pair of features), weight
     * rows streamed once with 16-byte loads that bypass L1, 8 (fused kernels) or 16 (plain
     * products) loads in flight per lane, float32 accumulation. Each kernel issues its first weight
     * loads, then waits for the kernel before it (programmatic dependent launch on sm_90: the loads
     * overlap that kernel's tail), then lets the next one start. Fused around them: RMSNorm of the residual stream into shared memory in front
     * of the QKV and gate+up products (each block normalises the rows itself), RoPE + the paged
     * K/V write behind the QKV product (a warp takes the feature pair (j, j + HD/2) of one head),
     * SwiGLU behind the gate+up product (a warp takes gate row c and up row c), the residual add
     * and bias behind the O and down products. A row's arithmetic does not depend on how many rows
     * the kernel takes, so padded graph buckets and eager steps agree bit for bit.
     */
    static final String DECODE = """
            #define DK_THREADS 128
            #define DK_WARPS 4
            #define DK_LOADS 8
            #define DK_LOADS_LIN 16
            __device__ __forceinline__ uint4 dk_ldw(const uint4* p) {   // weights: streamed once, not kept in L1
                uint4 v;
                asm volatile("ld.global.nc.L1::no_allocate.v4.u32 {%0, %1, %2, %3}, [%4];"
                             : "=r"(v.x), "=r"(v.y), "=r"(v.z), "=r"(v.w) : "l"(p));
                return v;
            }
            __device__ __forceinline__ uint4 dk_ldx(const uint4* p) {   // activations: read by every warp, L1-cached
                uint4 v;
                asm volatile("ld.global.nc.v4.u32 {%0, %1, %2, %3}, [%4];"
                             : "=r"(v.x), "=r"(v.y), "=r"(v.z), "=r"(v.w) : "l"(p));
                return v;
            }
            __device__ __forceinline__ void dk_unpack(const uint4 v, float* f) {
                f[0] = __uint_as_float(v.x << 16); f[1] = __uint_as_float(v.x & 0xffff0000u);
                f[2] = __uint_as_float(v.y << 16); f[3] = __uint_as_float(v.y & 0xffff0000u);
                f[4] = __uint_as_float(v.z << 16); f[5] = __uint_as_float(v.z & 0xffff0000u);
                f[6] = __uint_as_float(v.w << 16); f[7] = __uint_as_float(v.w & 0xffff0000u);
            }
            // wv <- the 16-byte pieces c0 + lane + 32 u of the NP weight rows (zeros past n8)
            template <int NP, int LD>
            __device__ __forceinline__ void dk_load(uint4 (&wv)[NP][LD], const uint4* const (&wrow)[NP], int c0, int n8) {
                const int lane = threadIdx.x & 31;
                #pragma unroll
                for (int u = 0; u < LD; ++u) {
                    const int c = c0 + lane + 32 * u;
                    #pragma unroll
                    for (int p = 0; p < NP; ++p) {
                        if (c < n8) wv[p][u] = dk_ldw(wrow[p] + c);
                        else wv[p][u] = make_uint4(0u, 0u, 0u, 0u);
                    }
                }
            }
            template <int R, int NP, int LD, bool XS>
            __device__ __forceinline__ void dk_fma(const uint4 (&wv)[NP][LD], const uint4* xv, int c0, int n8, int rows,
                                                   float (&acc)[NP][R]) {
                const int lane = threadIdx.x & 31;
                #pragma unroll
                for (int u = 0; u < LD; ++u) {
                    const int c = c0 + lane + 32 * u;
                    if (c < n8) {
                        float wf[NP][8];
                        #pragma unroll
                        for (int p = 0; p < NP; ++p) dk_unpack(wv[p][u], wf[p]);
                        #pragma unroll
                        for (int r = 0; r < R; ++r) {
                            if (r < rows) {
                                uint4 xr;
                                if (XS) xr = xv[r * n8 + c];
                                else xr = dk_ldx(xv + (long)r * n8 + c);
                                float xf[8];
                                dk_unpack(xr, xf);
                                #pragma unroll
                                for (int p = 0; p < NP; ++p) {
                                    #pragma unroll
                                    for (int k = 0; k < 8; ++k) acc[p][r] = fmaf(wf[p][k], xf[k], acc[p][r]);
                                }
                            }
                        }
                    }
                }
            }
            // acc[p][r] = W[row p] . x[r] (whole warp; wv holds the first pieces, loaded by the caller)
            template <int R, int NP, int LD, bool XS>
            __device__ __forceinline__ void dk_run(uint4 (&wv)[NP][LD], const uint4* const (&wrow)[NP], const uint4* xv,
                                                   int n8, int rows, float (&acc)[NP][R]) {
                #pragma unroll
                for (int p = 0; p < NP; ++p) {
                    #pragma unroll
                    for (int r = 0; r < R; ++r) acc[p][r] = 0.f;
                }
                for (int c0 = 0; c0 < n8; c0 += 32 * LD) {
                    if (c0 > 0) dk_load<NP, LD>(wv, wrow, c0, n8);
                    dk_fma<R, NP, LD, XS>(wv, xv, c0, n8, rows, acc);
                }
                #pragma unroll
                for (int p = 0; p < NP; ++p) {
                    #pragma unroll
                    for (int r = 0; r < R; ++r) acc[p][r] = warpSum(acc[p][r]);
                }
            }
            // xs[r] <- bf16(rmsnorm(xres[r]) * gamma) for r < rows; every thread of the block calls it
            template <int R>
            __device__ __forceinline__ void dk_stage_norm(const float* __restrict__ xres, const float* __restrict__ gamma, uint4* xs,
                                                          int rows) {
                __shared__ float red[DK_WARPS][R];
                __shared__ float inv[R];
                const int warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
                #pragma unroll
                for (int r = 0; r < R; ++r) {
                    float ss = 0.f;
                    if (r < rows) {
                        const float4* xr = (const float4*)(xres + (long)r * HIDDEN);
                        for (int i = threadIdx.x; i < HIDDEN / 4; i += DK_THREADS) {
                            const float4 v = xr[i];
                            ss += v.x * v.x + v.y * v.y + v.z * v.z + v.w * v.w;
                        }
                    }
                    ss = warpSum(ss);
                    if (lane == 0) red[warp][r] = ss;
                }
                __syncthreads();
                if (threadIdx.x < R) {
                    float t = 0.f;
                    #pragma unroll
                    for (int w = 0; w < DK_WARPS; ++w) t += red[w][threadIdx.x];
                    inv[threadIdx.x] = rsqrtf(t / (float)HIDDEN + EPS);
                }
                __syncthreads();
                const float4* g4 = (const float4*)gamma;
                for (int r = 0; r < rows; ++r) {
                    const float iv = inv[r];
                    const float4* xr = (const float4*)(xres + (long)r * HIDDEN);
                    for (int i = threadIdx.x; i < HIDDEN / 8; i += DK_THREADS) {
                        const float4 a = xr[2 * i], b = xr[2 * i + 1], ga = g4[2 * i], gb = g4[2 * i + 1];
                        uint4 o;
                        o.x = pack2(a.x * iv * ga.x, a.y * iv * ga.y);
                        o.y = pack2(a.z * iv * ga.z, a.w * iv * ga.w);
                        o.z = pack2(b.x * iv * gb.x, b.y * iv * gb.y);
                        o.w = pack2(b.z * iv * gb.z, b.w * iv * gb.w);
                        xs[r * (HIDDEN / 8) + i] = o;
                    }
                }
                __syncthreads();
            }
            // y[r, o] (+)= x[r] . W[o] (+ bias[o]), float32 out; one warp per output feature, LD loads in flight per lane
            template <int R, int LD>
            __device__ __forceinline__ void dk_linear_impl(const bf16_t* __restrict__ W, const bf16_t* __restrict__ x,
                    float* __restrict__ y, const float* __restrict__ bias, int out, int in, int rows, int accumulate) {
                const int lane = threadIdx.x & 31;
                const int o = blockIdx.x * DK_WARPS + (threadIdx.x >> 5);
                if (o >= out) return;
                const int n8 = in >> 3;
                const uint4* const wrow[1] = {(const uint4*)W + (long)o * n8};
                uint4 wv[1][LD];
                dk_load<1, LD>(wv, wrow, 0, n8);   // weights only: may run while the previous kernel finishes
                PDL_WAIT();
                PDL_LAUNCH();
                float acc[1][R];
                dk_run<R, 1, LD, false>(wv, wrow, (const uint4*)x, n8, rows, acc);
                #pragma unroll
                for (int r = 0; r < R; ++r) {
                    if (r < rows && lane == r) {
                        float* yp = y + (long)r * out + o;
                        float v = acc[0][r];
                        if (accumulate) v = *yp + v;
                        if (bias) v += bias[o];
                        *yp = v;
                    }
                }
            }
            // RMSNorm + QKV product + bias + RoPE: q into qout (bf16), k and v into the paged pool at slots[r]
            template <int R>
            __device__ __forceinline__ void dk_qkv_impl(const bf16_t* __restrict__ W, const float* __restrict__ xres,
                    const float* __restrict__ gamma, const float* __restrict__ bias, const int* __restrict__ pos,
                    const int* __restrict__ slots, const float* __restrict__ cosT, const float* __restrict__ sinT,
                    bf16_t* __restrict__ qout, bf16_t* __restrict__ kc, bf16_t* __restrict__ vc, int rows) {
                __shared__ uint4 xs[R * (HIDDEN / 8)];
                const int lane = threadIdx.x & 31;
                const int pr = blockIdx.x * DK_WARPS + (threadIdx.x >> 5);
                const bool valid = pr < QKV_DIM / 2;
                const int pv = valid ? pr : 0;
                const int hh = pv / HALF, j = pv - hh * HALF;
                const int a = hh * HD + j, b = a + HALF;
                const uint4* const wrow[2] = {(const uint4*)W + (long)a * (HIDDEN / 8), (const uint4*)W + (long)b * (HIDDEN / 8)};
                uint4 wv[2][DK_LOADS / 2];
                if (valid) dk_load<2, DK_LOADS / 2>(wv, wrow, 0, HIDDEN / 8);   // in flight while the block normalises its rows
                PDL_WAIT();
                PDL_LAUNCH();
                dk_stage_norm<R>(xres, gamma, xs, rows);
                if (!valid) return;
                float acc[2][R];
                dk_run<R, 2, DK_LOADS / 2, true>(wv, wrow, xs, HIDDEN / 8, rows, acc);
                #pragma unroll
                for (int r = 0; r < R; ++r) {
                    if (r < rows && lane == r) {
                        float x1 = acc[0][r], x2 = acc[1][r];
                        if (bias) { x1 += bias[a]; x2 += bias[b]; }
                        const long cp = (long)pos[r] * HALF + j;
                        if (hh < NH) {
                            const float c = cosT[cp], s = sinT[cp];
                            qout[(long)r * QD + a] = f2bf(x1 * c - x2 * s);
                            qout[(long)r * QD + b] = f2bf(x2 * c + x1 * s);
                        } else {
                            const int slot = slots[r];
                            if (slot >= 0) {
                                const int blk = slot / BS, off = slot - blk * BS;
                                if (hh < NH + NKV) {
                                    const float c = cosT[cp], s = sinT[cp];
                                    const long dst = kvIndex(blk, hh - NH, off, BS) + j;
                                    kc[dst] = f2bf(x1 * c - x2 * s);
                                    kc[dst + HALF] = f2bf(x2 * c + x1 * s);
                                } else {
                                    const long dst = kvIndex(blk, hh - NH - NKV, off, BS) + j;
                                    vc[dst] = f2bf(x1);
                                    vc[dst + HALF] = f2bf(x2);
                                }
                            }
                        }
                    }
                }
            }
            // RMSNorm + gate/up products + bias + SwiGLU into act (bf16); gate and up rounded to bf16 as the GEMM path does
            template <int R>
            __device__ __forceinline__ void dk_gateup_impl(const bf16_t* __restrict__ W, const float* __restrict__ xres,
                    const float* __restrict__ gamma, const float* __restrict__ bias, bf16_t* __restrict__ act, int rows) {
                __shared__ uint4 xs[R * (HIDDEN / 8)];
                const int lane = threadIdx.x & 31;
                const int c = blockIdx.x * DK_WARPS + (threadIdx.x >> 5);
                const bool valid = c < INTER;
                const int cv = valid ? c : 0;
                const uint4* const wrow[2] = {(const uint4*)W + (long)cv * (HIDDEN / 8), (const uint4*)W + (long)(INTER + cv) * (HIDDEN / 8)};
                uint4 wv[2][DK_LOADS / 2];
                if (valid) dk_load<2, DK_LOADS / 2>(wv, wrow, 0, HIDDEN / 8);
                PDL_WAIT();
                PDL_LAUNCH();
                dk_stage_norm<R>(xres, gamma, xs, rows);
                if (!valid) return;
                float acc[2][R];
                dk_run<R, 2, DK_LOADS / 2, true>(wv, wrow, xs, HIDDEN / 8, rows, acc);
                #pragma unroll
                for (int r = 0; r < R; ++r) {
                    if (r < rows && lane == r) {
                        float g = bf2f(f2bf(acc[0][r])), u = bf2f(f2bf(acc[1][r]));
                        if (bias) { g += bias[c]; u += bias[INTER + c]; }
                        act[(long)r * INTER + c] = f2bf(g / (1.f + expf(-g)) * u);
                    }
                }
            }
            """;

    static final String DECODE_LINEAR_ENTRY = """
            extern "C" __global__ void __launch_bounds__(DK_THREADS, 4) dk_linear_@R(const bf16_t* __restrict__ W,
                    const bf16_t* __restrict__ x, float* __restrict__ y, const float* __restrict__ bias, int out, int in, int rows,
                    int accumulate) {
                dk_linear_impl<@R, DK_LOADS_LIN>(W, x, y, bias, out, in, rows, accumulate);
            }
            // the down product (in = INTER): enough loads in flight per lane that a row takes as few rounds as it can
            extern "C" __global__ void __launch_bounds__(DK_THREADS, 4) dk_down_@R(const bf16_t* __restrict__ W,
                    const bf16_t* __restrict__ x, float* __restrict__ y, const float* __restrict__ bias, int out, int in, int rows,
                    int accumulate) {
                dk_linear_impl<@R, DK_LOADS_DOWN>(W, x, y, bias, out, in, rows, accumulate);
            }
            """;

    static final String DECODE_NORM_ENTRIES = """
            extern "C" __global__ void __launch_bounds__(DK_THREADS, 4) dk_qkv_@R(const bf16_t* __restrict__ W,
                    const float* __restrict__ xres, const float* __restrict__ gamma, const float* __restrict__ bias,
                    const int* __restrict__ pos, const int* __restrict__ slots, const float* __restrict__ cosT,
                    const float* __restrict__ sinT, bf16_t* __restrict__ qout, bf16_t* __restrict__ kc, bf16_t* __restrict__ vc,
                    int rows) {
                dk_qkv_impl<@R>(W, xres, gamma, bias, pos, slots, cosT, sinT, qout, kc, vc, rows);
            }
            extern "C" __global__ void __launch_bounds__(DK_THREADS, 4) dk_gateup_@R(const bf16_t* __restrict__ W,
                    const float* __restrict__ xres, const float* __restrict__ gamma, const float* __restrict__ bias,
                    bf16_t* __restrict__ act, int rows) {
                dk_gateup_impl<@R>(W, xres, gamma, bias, act, rows);
            }
            """;
}
