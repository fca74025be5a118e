package dev.railyard.backend.cpu;

import static dev.railyard.backend.cpu.VectorMath.F;
import static dev.railyard.backend.cpu.VectorMath.L;

import dev.railyard.spi.backend.Backend;
import dev.railyard.spi.backend.BackendCapability;
import dev.railyard.spi.backend.BackendContext;
import dev.railyard.spi.backend.BackendInfo;
import dev.railyard.spi.backend.Logits;
import dev.railyard.spi.backend.SequenceSlice;
import dev.railyard.spi.backend.StepBatch;
import dev.railyard.spi.model.LoadedModel;
import dev.railyard.spi.model.ModelConfig;
import dev.railyard.spi.model.ModelFormatException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * A Llama-family decoder running on the CPU. One {@link #execute} pushes the whole flat batch
 * through each layer: RMSNorm, the q/k/v projections (all tokens against each block of packed
 * weights together), RoPE, K/V written into the paged pool, causal attention of each token over
 * its own blocks (consecutive tokens of a sequence in runs that share the loads), the output projection, RMSNorm, the SwiGLU MLP; then the final norm and the output head
 * only for the rows whose logits were asked for.
 *
 * <p>Batch-invariant: each token row's arithmetic is fixed by its own values and position (see
 * {@link GemmKernels}, {@link PagedAttention}, {@link RmsNorm}), never by the batch around it,
 * the chunking of its prompt, the block size, the block placement or the thread count.
 */
public final class CpuReferenceBackend implements Backend {

    /** Model types this backend runs. */
    static final Set<String> SUPPORTED_MODEL_TYPES = Set.of("llama", "qwen2");

    private final ModelConfig config;
    private final TransformerWeights weights;
    private final BackendInfo info;
    private final ComputeTeams.Lease pool;
    private final Arena weightArena;
    private final WorkerScratch[] scratch;
    private final PagedKvCache cache;
    private final PagedAttention attention;
    private final Rope rope;
    private final StepValidator validator;
    private final StepBuffers buf;
    private final float eps;
    private final AtomicInteger nextItem = new AtomicInteger();
    private float[] logits = new float[0];
    private float[] logitRows = new float[0];
    private boolean closed;

    private CpuReferenceBackend(ModelConfig c, TransformerWeights w, Arena weightArena, BackendInfo info, int threads,
                                int maxContext, int numBlocks, int blockSize, boolean kvBfloat16) {
        this.config = c;
        this.weights = w;
        this.info = info;
        this.eps = (float) c.rmsNormEps();
        this.rope = new Rope(c.headDim(), c.ropeTheta(), c.ropeScaling());
        this.cache = new PagedKvCache(c.numLayers(), numBlocks, blockSize, c.numKeyValueHeads(), c.headDim(), kvBfloat16);
        this.attention = new PagedAttention(cache, c.headDim(), c.queriesPerKeyValueHead());
        this.validator = new StepValidator(c.vocabSize(), numBlocks, blockSize, info.maxTokensPerStep(),
                info.maxSequencesPerStep(), maxContext);
        this.buf = new StepBuffers(c.hiddenSize(), c.queryDim(), c.keyValueDim(), c.intermediateSize(), rope.half());
        this.weightArena = weightArena;
        this.scratch = new WorkerScratch[threads];
        for (int i = 0; i < threads; i++) {
            scratch[i] = new WorkerScratch(c.queriesPerKeyValueHead(), maxContext);
        }
        this.pool = ComputeTeams.acquire(threads);
    }

    static CpuReferenceBackend open(LoadedModel model, CpuBackendConfig cfg, BackendContext ctx) {
        ModelConfig c = model.config();
        if (!SUPPORTED_MODEL_TYPES.contains(c.modelType().toLowerCase(Locale.ROOT))) {
            throw new ModelFormatException("model_type '" + c.modelType() + "' (" + c.architecture()
                    + ") is not supported by the cpu-reference backend; supported: " + SUPPORTED_MODEL_TYPES);
        }
        if (c.headDim() % 2 != 0) {
            throw new ModelFormatException("head_dim must be even for RoPE, was " + c.headDim());
        }
        ctx.progress().accept("cpu-reference: packing the " + model.weights().names().size() + " tensors of "
                + model.name() + " (" + c.storedDType() + ") for the batched kernels");
        long packStart = System.nanoTime();
        Arena weightArena = Arena.ofShared();
        try {
            TransformerWeights w = TransformerWeights.bind(c, model.weights(), weightArena, ctx.progress());
            ctx.progress().accept(String.format(Locale.ROOT, "cpu-reference: packed %.1f MiB of matrices in %.1f s",
                    w.packedBytes() / (double) (1 << 20), (System.nanoTime() - packStart) / 1e9));
            return open(c, w, weightArena, cfg, ctx);
        } catch (RuntimeException | Error e) {
            weightArena.close();
            throw e;
        }
    }

    private static CpuReferenceBackend open(ModelConfig c, TransformerWeights w, Arena weightArena,
                                            CpuBackendConfig cfg, BackendContext ctx) {
        int blockSize = ctx.blockSize();
        boolean kvBfloat16 = cfg.kvBfloat16();
        long bytesPerBlock = PagedKvCache.bytesFor(c.numLayers(), 1, blockSize, c.numKeyValueHeads(), c.headDim(),
                kvBfloat16 ? 2 : Float.BYTES);
        int numBlocks;
        if (ctx.numBlocks() > 0) {
            numBlocks = ctx.numBlocks();
        } else {
            long budget = cfg.kvMemoryMb * 1024L * 1024L;
            long fromBudget = Math.max(1, budget / bytesPerBlock);
            long perSequence = (c.maxPositionEmbeddings() + (long) blockSize - 1) / blockSize;
            long cap = perSequence * cfg.maxSequencesPerStep;
            numBlocks = (int) Math.min(Integer.MAX_VALUE, Math.min(fromBudget, cap));
        }
        int maxTokens = ctx.maxTokensPerStep() > 0 ? ctx.maxTokensPerStep() : cfg.maxTokensPerStep;
        int maxSeqs = Math.min(cfg.maxSequencesPerStep, maxTokens);
        int maxContext = (int) Math.min(c.maxPositionEmbeddings(), (long) numBlocks * blockSize);
        int threads = cfg.threads;
        String device = "cpu (" + threads + " thread" + (threads == 1 ? "" : "s") + ", " + vectorIsa() + ")";
        BackendInfo info = new BackendInfo(CpuReferenceBackendProvider.NAME, device, "float32", blockSize, numBlocks,
                maxTokens, maxSeqs, c.vocabSize(), maxContext,
                EnumSet.of(BackendCapability.BATCH_INVARIANT, BackendCapability.CHUNKED_PREFILL,
                        BackendCapability.MULTI_POSITION_LOGITS), 0.0);
        ctx.progress().accept(String.format(Locale.ROOT, "cpu-reference: KV pool of %d blocks x %d positions (%.1f MiB, %s), %s",
                numBlocks, blockSize, numBlocks * (double) bytesPerBlock / (1 << 20), kvBfloat16 ? "bfloat16" : "float32", device));
        return new CpuReferenceBackend(c, w, weightArena, info, threads, maxContext, numBlocks, blockSize, kvBfloat16);
    }

    private static String vectorIsa() {
        return switch (L) {
            case 16 -> "AVX-512";
            case 8 -> "AVX2";
            default -> L * 32 + "-bit vectors";
        };
    }

    @Override
    public BackendInfo info() {
        return info;
    }

    /** Bytes of weights one decode step reads (every matrix once, one embedding row). */
    public long weightBytesPerToken() {
        return weights.bytesPerToken();
    }

    /** Bytes of the weights as packed for the kernels (the copy this backend keeps resident). */
    public long packedWeightBytes() {
        return weights.packedBytes();
    }

    /** Bytes of the KV pool. */
    public long kvPoolBytes() {
        return cache.segment().byteSize();
    }

    @Override
    public Logits execute(StepBatch batch) {
        if (closed) {
            throw new IllegalStateException("backend is closed");
        }
        validator.validate(batch);
        int tokens = batch.numTokens();
        buf.ensure(tokens);
        List<SequenceSlice> slices = batch.slices();
        for (int s = 0; s < slices.size(); s++) {
            SequenceSlice sl = slices.get(s);
            for (int i = 0; i < sl.length(); i++) {
                buf.sliceOf[sl.offset() + i] = s;
            }
        }
        buf.findRuns(tokens, batch.positions());
        int hidden = config.hiddenSize();
        for (int t = 0; t < tokens; t++) {
            copyEmbedding(batch.tokens()[t], buf.x, t * hidden);
        }
        rope.table(batch.positions(), tokens, buf.cos, buf.sin);
        for (int l = 0; l < config.numLayers(); l++) {
            layer(l, batch, tokens);
        }
        return head(batch);
    }

    private void copyEmbedding(int token, float[] dst, int off) {
        Linear e = weights.embedding();
        long row = e.rowOffset(token);
        int n = e.cols();
        switch (e.dtype()) {
            case F32 -> MemorySegment.copy(e.data(), FLOAT, row, dst, off, n);
            case BF16 -> {
                for (int i = 0; i < n; i++) {
                    short h = e.data().get(SHORT, row + 2L * i);
                    dst[off + i] = Float.intBitsToFloat((h & 0xFFFF) << 16);
                }
            }
            default -> {
                for (int i = 0; i < n; i++) {
                    dst[off + i] = Float.float16ToFloat(e.data().get(SHORT, row + 2L * i));
                }
            }
        }
    }

    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(VectorMath.LE);
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(VectorMath.LE);

    private void layer(int l, StepBatch batch, int tokens) {
        TransformerWeights.Layer lw = weights.layers().get(l);
        int hidden = config.hiddenSize();
        int qDim = config.queryDim();
        int kvDim = config.keyValueDim();
        int inter = config.intermediateSize();
        float[] x = buf.x;
        float[] xn = buf.xn;
        // 1. input norm
        perToken(tokens, t -> RmsNorm.apply(x, t * hidden, lw.inputNorm(), eps, xn, t * hidden, hidden));
        // 2. q, k, v projections
        gemm(xn, hidden, tokens, false, null, new PackedLinear[] {lw.q(), lw.k(), lw.v()}, new float[][] {buf.q, buf.k, buf.v});
        // 3. RoPE, then K/V into the pool
        List<SequenceSlice> slices = batch.slices();
        int[] positions = batch.positions();
        int bs = cache.blockSize();
        perToken(tokens, t -> {
            rope.rotate(buf.q, t * qDim, config.numAttentionHeads(), buf.cos, buf.sin, t);
            rope.rotate(buf.k, t * kvDim, config.numKeyValueHeads(), buf.cos, buf.sin, t);
            int p = positions[t];
            int[] table = slices.get(buf.sliceOf[t]).blockTable();
            cache.write(l, table[p / bs], p % bs, buf.k, t * kvDim, buf.v, t * kvDim);
        });
        // 4. attention, one (run of up to 4 tokens of a sequence, kv head) item at a time
        int kvHeads = config.numKeyValueHeads();
        int items = buf.runs * kvHeads;
        nextItem.set(0);
        pool.run((w, ws) -> {
            WorkerScratch s = scratch[w];
            int item;
            while ((item = nextItem.getAndIncrement()) < items) {
                int r = item / kvHeads;
                int g = item % kvHeads;
                int t = buf.runStart[r];
                int[] table = slices.get(buf.sliceOf[t]).blockTable();
                attention.attendRun(l, table, positions[t], buf.runLength(r, tokens), g, buf.q, t * qDim, qDim,
                        buf.attn, t * qDim, s);
            }
        });
        // 5. output projection, added to the residual stream
        gemm(buf.attn, qDim, tokens, true, null, new PackedLinear[] {lw.o()}, new float[][] {x});
        // 6. post-attention norm
        perToken(tokens, t -> RmsNorm.apply(x, t * hidden, lw.postNorm(), eps, xn, t * hidden, hidden));
        // 7. gate and up, then silu(gate) * up on this worker's columns
        gemm(xn, hidden, tokens, false, (s, from, to) -> {
            MatMul.run(lw.up(), xn, hidden, tokens, buf.tiles, buf.up, inter, from, to, false, s);
            for (int t = 0; t < tokens; t++) {
                swiglu(buf.gate, buf.up, t * inter + from, to - from);
            }
        }, new PackedLinear[] {lw.gate()}, new float[][] {buf.gate});
        // 8. down projection, added to the residual stream
        gemm(buf.gate, inter, tokens, true, null, new PackedLinear[] {lw.down()}, new float[][] {x});
    }

    /** Below this many tokens, per-token work runs on the calling thread: a region costs more than it. */
    static final int INLINE_TOKENS = 8;

    /** Runs {@code body} for tokens {@code 0 .. tokens-1}, split over the workers when there are enough. */
    private void perToken(int tokens, IntConsumer body) {
        if (tokens < INLINE_TOKENS) {
            for (int t = 0; t < tokens; t++) {
                body.accept(t);
            }
            return;
        }
        pool.run((w, ws) -> {
            for (int t = ComputePool.splitFrom(tokens, w, ws, 1); t < ComputePool.splitTo(tokens, w, ws, 1); t++) {
                body.accept(t);
            }
        });
    }

    /** Work done on a chunk of rows right after the chunk's product (same rows, same worker). */
    @FunctionalInterface
    private interface AfterChunk {
        void run(WorkerScratch s, int from, int to);
    }

    /**
     * {@code ys[i] (+)= x · ws[i]ᵀ} for each matrix, as one parallel region. Rows are handed out in
     * chunks from a shared counter, large first and smaller towards the end (guided scheduling), so
     * a worker slowed by something else on the machine simply takes fewer chunks and the region
     * ends nearly together; where a row is computed never changes its value.
     */
    private void gemm(float[] x, int ldx, int tokens, boolean accumulate, AfterChunk after, PackedLinear[] ws, float[][] ys) {
        transposeTiles(x, ldx, tokens, ws[0].cols());
        int[] first = new int[ws.length + 1];
        for (int i = 0; i < ws.length; i++) {
            first[i + 1] = first[i] + ws[i].rows();
        }
        int total = first[ws.length];
        int threads = pool.threads();
        nextItem.set(0);
        pool.run((w, n) -> {
            WorkerScratch s = scratch[w];
            int m = 0;
            while (true) {
                int cur = nextItem.get();
                if (cur >= total) {
                    return;
                }
                while (cur >= first[m + 1]) {
                    m++;
                }
                int size = Math.max(MatMul.CHUNK, ((total - cur) / (2 * threads)) / MatMul.CHUNK * MatMul.CHUNK);
                int end = Math.min(first[m + 1], cur + size);
                if (!nextItem.compareAndSet(cur, end)) {
                    continue;
                }
                PackedLinear lin = ws[m];
                int from = cur - first[m];
                int to = end - first[m];
                MatMul.run(lin, x, ldx, tokens, buf.tiles, ys[m], lin.rows(), from, to, accumulate, s);
                if (after != null) {
                    after.run(s, from, to);
                }
            }
        });
    }

    /** x into {@code buf.tiles} for the kernels of a product of more than one token, tiles split over the workers. */
    private void transposeTiles(float[] x, int ldx, int tokens, int k) {
        if (tokens < 2) {
            return;
        }
        int count = MatMul.tileCount(tokens);
        float[] tiles = buf.tiles;
        if (tokens < INLINE_TOKENS) {
            for (int i = 0; i < count; i++) {
                MatMul.transposeTile(x, ldx, tokens, k, i, tiles);
            }
            return;
        }
        pool.run((w, ws) -> {
            for (int i = ComputePool.splitFrom(count, w, ws, 1); i < ComputePool.splitTo(count, w, ws, 1); i++) {
                MatMul.transposeTile(x, ldx, tokens, k, i, tiles);
            }
        });
    }

    /** {@code g[i] = silu(g[i]) * u[i]} for {@code n} elements from {@code off}. */
    static void swiglu(float[] g, float[] u, int off, int n) {
        int i = 0;
        for (; i + L <= n; i += L) {
            FloatVector gv = FloatVector.fromArray(F, g, off + i);
            FloatVector sig = VectorMath.exp(gv.neg()).add(1f);
            gv.div(sig).mul(FloatVector.fromArray(F, u, off + i)).intoArray(g, off + i);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector gv = FloatVector.fromArray(F, g, off + i, m);
            FloatVector sig = VectorMath.exp(gv.neg()).add(1f);
            gv.div(sig).mul(FloatVector.fromArray(F, u, off + i, m)).intoArray(g, off + i, m);
        }
    }

    private Logits head(StepBatch batch) {
        int[] idx = batch.logitIndices();
        int rows = idx.length;
        int vocab = config.vocabSize();
        int hidden = config.hiddenSize();
        if (logits.length < rows * vocab) {
            logits = new float[rows * vocab];
        }
        if (rows == 0) {
            return new Logits(logits, 0, vocab);
        }
        if (logitRows.length < rows * hidden) {
            logitRows = new float[rows * hidden];
        }
        float[] x = buf.x;
        float[] xr = logitRows;
        float[] out = logits;
        perToken(rows, r -> RmsNorm.apply(x, idx[r] * hidden, weights.finalNorm(), eps, xr, r * hidden, hidden));
        gemm(xr, hidden, rows, false, null, new PackedLinear[] {weights.lmHead()}, new float[][] {out});
        return new Logits(out, rows, vocab);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        pool.close();
        cache.close();
        weightArena.close();
    }
}
