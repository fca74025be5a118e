package dev.railyard.backend.cuda;

import static org.bytedeco.cuda.global.cudart.*;

import dev.railyard.spi.backend.Backend;
import dev.railyard.spi.backend.BackendCapability;
import dev.railyard.spi.backend.BackendContext;
import dev.railyard.spi.backend.BackendInfo;
import dev.railyard.spi.backend.BackendUnavailableException;
import dev.railyard.spi.backend.InvalidStepException;
import dev.railyard.spi.backend.Logits;
import dev.railyard.spi.backend.SequenceSlice;
import dev.railyard.spi.backend.StepBatch;
import dev.railyard.spi.model.LoadedModel;
import dev.railyard.spi.model.ModelConfig;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.bytedeco.cuda.cudart.CUevent_st;
import org.bytedeco.cuda.cudart.CUfunc_st;
import org.bytedeco.cuda.cudart.CUgraphExec_st;
import org.bytedeco.cuda.cudart.CUgraph_st;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.cuda.cudart.cudaDeviceProp;
import org.bytedeco.javacpp.SizeTPointer;

/**
 * The {@code cuda} backend: one device, one stream. Everything the forward pass needs is allocated
 * at open (weights, activation buffers sized for {@code maxTokensPerStep}, the KV pool, a step
 * metadata buffer and its page-locked host twin); a step packs its metadata on the host, uploads it
 * with one asynchronous copy, runs the layers (eagerly, or by replaying a CUDA graph captured for
 * decode steps of that batch-size bucket), and copies back only the requested logits rows.
 *
 * <p>Per layer: RMSNorm (fused with the previous residual bias), one QKV product, one kernel for
 * bias + RoPE + the paged K/V write + q, attention (decode kernel for short slices, tensor-core
 * tiles for long ones, both reading the paged pool), the O product accumulated into the residual,
 * RMSNorm, one gate+up product, SwiGLU, the down product accumulated into the residual. Steps of
 * at most 8 token rows may run these through the decode kernels instead (per part and row bucket,
 * {@link DecodePlan}): norm + QKV + RoPE + K/V write, attention, O + residual, norm + gate/up +
 * SwiGLU, down + residual.
 */
final class CudaBackend implements Backend {

    private static final int LOGIT_CHUNK_ROWS = 256;
    private static final long RESERVE_BYTES = 1_500_000_000L;
    private static final boolean DEBUG_SYNC = Boolean.getBoolean("railyard.cuda.debugSync");

    private final ModelConfig cfg;
    private final int device;
    private final int blockSize;
    private final int maxTokens;
    private final int maxSeqs;
    private final int maxContext;
    private final int numSms;
    private final BackendInfo info;
    private final CUstream_st stream;
    private final Kernels kernels;
    private final CublasDenseLayers dense;
    private final DeviceWeights w;

    private final CUfunc_st kEmbed;
    private final CUfunc_st kNorm;
    private final CUfunc_st kQkvRope;
    private final CUfunc_st kSwiglu;
    private final CUfunc_st kDecodeG;
    /** Decode attention, one query head per block: the latency kernel (null when the head size has none) and the warp kernel. */
    private final CUfunc_st kDecode1;
    private final CUfunc_st kDecodeW;
    /** Whether small batches take {@link #kDecode1} (default where compiled) rather than {@link #kDecodeW}. */
    private boolean latencyAttention = true;
    private final CUfunc_st kPrefill;
    private final int decodeWarpsG;
    /** Threads per block of {@code attn_decode_w}. */
    private final int decodeWThreads;
    private final boolean prefillTiles;
    private final CUfunc_st kSpin;

    // decode kernels (steps of at most 8 token rows); index = log2 of the row bucket
    private final CUfunc_st[] kDkLinear = new CUfunc_st[4];
    private final CUfunc_st[] kDkDown = new CUfunc_st[4];
    private final CUfunc_st[] kDkQkv = new CUfunc_st[4];
    private final CUfunc_st[] kDkGateUp = new CUfunc_st[4];
    private final boolean decodeKernels;
    private final int decodeNormRows;
    private final boolean hasOBias;
    private final boolean hasDownBias;
    private final String devName;
    private String decodeMode = "off";
    private DecodePlan[] plans = {DecodePlan.NONE, DecodePlan.NONE, DecodePlan.NONE, DecodePlan.NONE};
    private DecodePlan stepPlan = DecodePlan.NONE;
    private String decodeReport = "";
    private long dTune;
    /** Programmatic dependent launch for the decode kernels (and decode attention between them); sm_90+. */
    private boolean pdl;
    private boolean pdlSupported;
    /** Tuning results per device and model shape, so that a process opening the same model again does not re-time. */
    private static final Map<String, Object[]> TUNED = new java.util.concurrent.ConcurrentHashMap<>();

    // device buffers
    private long dX;
    private long dXn;
    private long dQkv;
    private long dQ;
    private long dAttn;
    private long dGu;
    private long dAct;
    private long dXg;
    private long dLogits;
    private long dMeta;
    private long hMeta;
    private long hLogits;
    private long kvPool;
    private final long kvLayerElems;
    private final int numBlocks;
    private final int logitChunk;
    private final long metaInts;
    private final MemorySegment meta;
    private final MemorySegment logitsView;
    private float[] logitsOut = new float[0];

    private boolean graphsEnabled;
    private final Map<Integer, CUgraphExec_st> graphs = new HashMap<>();
    private final Consumer<String> progress;
    private boolean closed;

    /** Step layout (offsets in ints into the metadata buffer). */
    private record Layout(int tokens, int seqs, int logitRows, int decodeCount, int tiles,
                          long oTokens, long oPos, long oSlot, long oTokSeq, long oDec, long oSeq, long oLogit,
                          long oTiles, long oBt, long total) {
        static Layout of(int tokens, int seqs, int logitRows, int decodeCount, int tiles, long btLen) {
            long o = 0;
            long oTokens = o;
            o += tokens;
            long oPos = o;
            o += tokens;
            long oSlot = o;
            o += tokens;
            long oTokSeq = o;
            o += tokens;
            long oDec = o;
            o += tokens;
            long oSeq = o;
            o += 4L * seqs;
            long oLogit = o;
            o += logitRows;
            long oTiles = o;
            o += 2L * tiles;
            long oBt = o;
            o += btLen;
            return new Layout(tokens, seqs, logitRows, decodeCount, tiles, oTokens, oPos, oSlot, oTokSeq, oDec, oSeq,
                    oLogit, oTiles, oBt, o);
        }
    }

    CudaBackend(LoadedModel model, CudaBackendConfig config, BackendContext ctx) {
        this.cfg = model.config();
        this.device = config.device;
        this.blockSize = ctx.blockSize();
        this.maxTokens = ctx.maxTokensPerStep() > 0 ? ctx.maxTokensPerStep() : config.maxTokensPerStep;
        this.maxSeqs = Math.min(config.maxSequencesPerStep, maxTokens);
        this.maxContext = cfg.maxPositionEmbeddings();
        this.progress = ctx.progress();
        Gpu.check(cudaSetDevice(device), "cudaSetDevice(" + device + ")");
        Gpu.check(cudaFree(null), "cudaFree(null) (context creation)");
        cudaDeviceProp prop = new cudaDeviceProp();
        Gpu.check(cudaGetDeviceProperties(prop, device), "cudaGetDeviceProperties");
        devName = prop.name().getString();
        int major = prop.major();
        int minor = prop.minor();
        numSms = prop.multiProcessorCount();
        long totalMem = prop.totalGlobalMem();
        if (major < 8) {
            throw new BackendUnavailableException("the cuda backend needs a GPU of compute capability 8.0 or later (bf16 tensor cores); "
                    + devName + " is " + major + "." + minor);
        }
        progress.accept(String.format(Locale.ROOT, "cuda: device %d: %s, sm_%d%d, %d SMs, %.1f GB", device, devName, major, minor,
                numSms, totalMem / 1e9));
        stream = new CUstream_st();
        Gpu.check(cudaStreamCreate(stream), "cudaStreamCreate");

        List<String> names = new java.util.ArrayList<>(List.of("embed_kernel", "rmsnorm_kernel", "qkv_rope_kernel",
                "swiglu_kernel", "attn_decode_g", "attn_decode_w", "spin_kernel"));
        if (KernelSource.fastDecodeAttention(cfg.headDim())) {
            names.add("attn_decode_1");
        }
        names.addAll(KernelSource.decodeKernelNames(cfg));
        prefillTiles = KernelSource.prefillTilesSupported(cfg.headDim());
        if (prefillTiles) {
            names.add("attn_prefill_kernel");
        }
        Kernels k = null;
        CublasDenseLayers d = null;
        DeviceWeights wt = null;
        try {
            k = new Kernels(KernelSource.source(cfg, blockSize), major, minor, names);
            progress.accept(String.format(Locale.ROOT, "cuda: NVRTC compiled %d kernels for %s in %.0f ms", names.size(), k.arch,
                    k.compileMillis));
            d = new CublasDenseLayers(stream, 32L << 20);
            wt = DeviceWeights.upload(model, maxContext, progress);
        } catch (RuntimeException | Error e) {
            if (wt != null) {
                wt.close();
            }
            if (d != null) {
                d.close();
            }
            if (k != null) {
                k.close();
            }
            cudaStreamDestroy(stream);
            throw e;
        }
        kernels = k;
        dense = d;
        w = wt;
        kEmbed = k.function("embed_kernel");
        kNorm = k.function("rmsnorm_kernel");
        kQkvRope = k.function("qkv_rope_kernel");
        kSwiglu = k.function("swiglu_kernel");
        kDecodeG = k.function("attn_decode_g");
        kDecodeW = k.function("attn_decode_w");
        kDecode1 = KernelSource.fastDecodeAttention(cfg.headDim()) ? k.function("attn_decode_1") : null;
        kPrefill = prefillTiles ? k.function("attn_prefill_kernel") : null;
        kSpin = k.function("spin_kernel");
        if (major >= 9) {
            try {
                k.args().ptr(0L).launchPdl(kSpin, 1, 1, 32, stream);
                Gpu.sync(stream);
                pdl = true;
                pdlSupported = true;
            } catch (RuntimeException e) {
                cudaGetLastError();
                progress.accept("cuda: programmatic dependent launch unavailable, decode kernels launch plainly: " + e.getMessage());
            }
        }
        decodeKernels = KernelSource.decodeKernelsSupported(cfg);
        decodeNormRows = KernelSource.decodeNormRows(cfg);
        if (decodeKernels) {
            for (int i = 0; i < KernelSource.DECODE_ROWS.length; i++) {
                int r = KernelSource.DECODE_ROWS[i];
                kDkLinear[i] = k.function("dk_linear_" + r);
                kDkDown[i] = k.function("dk_down_" + r);
                if (r <= decodeNormRows) {
                    kDkQkv[i] = k.function("dk_qkv_" + r);
                    kDkGateUp[i] = k.function("dk_gateup_" + r);
                }
            }
        }
        boolean ob = false;
        boolean db = false;
        for (int l = 0; l < cfg.numLayers(); l++) {
            ob |= wt.oBias[l] != 0;
            db |= wt.downBias[l] != 0;
        }
        hasOBias = ob;
        hasDownBias = db;
        decodeWarpsG = KernelSource.decodeWarps(cfg.queriesPerKeyValueHead(), cfg.headDim());
        decodeWThreads = KernelSource.decodeWarps(1, cfg.headDim()) * 32;

        long kvLayer = (long) cfg.numKeyValueHeads() * blockSize * cfg.headDim();
        int nb;
        try {
            int h = cfg.hiddenSize();
            long t = maxTokens;
            logitChunk = Math.min(maxTokens, Math.max(LOGIT_CHUNK_ROWS, maxSeqs));
            dX = Gpu.malloc(t * h * 4, "activations x");
            dXn = Gpu.malloc(t * h * 2, "activations xn");
            dQkv = Gpu.malloc(t * (cfg.queryDim() + 2L * cfg.keyValueDim()) * 4, "activations qkv");
            dQ = Gpu.malloc(t * cfg.queryDim() * 2, "activations q");
            dAttn = Gpu.malloc(t * cfg.queryDim() * 2, "activations attn");
            dGu = Gpu.malloc(t * 2L * cfg.intermediateSize() * 2, "activations gate_up");
            dAct = Gpu.malloc(t * cfg.intermediateSize() * 2, "activations mlp");
            dXg = Gpu.malloc((long) logitChunk * h * 2, "logits input rows");
            dLogits = Gpu.malloc((long) logitChunk * cfg.vocabSize() * 4, "logits");
            long maxBlocksPerSeq = (maxContext + blockSize - 1) / blockSize;
            metaInts = 6L * maxTokens + 4L * maxSeqs + 2L * (maxTokens / KernelSource.PREFILL_ROWS + maxSeqs + 1)
                    + (long) maxSeqs * maxBlocksPerSeq;
            dMeta = Gpu.malloc(metaInts * 4, "step metadata");
            hMeta = Gpu.mallocHost(metaInts * 4);
            hLogits = Gpu.mallocHost((long) logitChunk * cfg.vocabSize() * 4);
            dTune = Gpu.malloc(64, "decode-kernel timing metadata");
            Gpu.check(cudaMemset(Gpu.at(dTune), 0, 32), "cudaMemset(tune positions)");
            Gpu.check(cudaMemset(Gpu.at(dTune + 32), 0xff, 32), "cudaMemset(tune slots)"); // slot -1: no K/V write

            long blockBytes = 2L * cfg.numLayers() * kvLayer * 2;
            SizeTPointer free = new SizeTPointer(1);
            SizeTPointer total = new SizeTPointer(1);
            Gpu.check(cudaMemGetInfo(free, total), "cudaMemGetInfo");
            long avail = free.get() - RESERVE_BYTES;
            if (ctx.numBlocks() > 0) {
                nb = ctx.numBlocks();
                if ((long) nb * blockBytes > avail) {
                    throw new BackendUnavailableException(String.format(Locale.ROOT,
                            "not enough GPU memory for %d KV blocks (%.2f GB; %.2f GB free after weights)", nb,
                            nb * (double) blockBytes / 1e9, free.get() / 1e9));
                }
            } else {
                long budget = Math.min((long) (config.kvMemoryGb * 1e9), avail);
                nb = (int) Math.min(Integer.MAX_VALUE / blockSize - 1, budget / blockBytes);
                if (nb < 1) {
                    throw new BackendUnavailableException(String.format(Locale.ROOT,
                            "not enough GPU memory for the KV cache (%.2f GB free after weights)", free.get() / 1e9));
                }
            }
            if ((long) nb * blockSize >= Integer.MAX_VALUE) {
                throw new BackendUnavailableException("too many KV blocks for 32-bit slot indices: " + nb);
            }
            kvPool = Gpu.malloc((long) nb * blockBytes, "KV cache");
            Gpu.check(cudaMemset(Gpu.at(kvPool), 0, (long) nb * blockBytes), "cudaMemset(KV cache)");
            progress.accept(String.format(Locale.ROOT, "cuda: KV cache %d blocks of %d tokens (%.2f GB), max %d tokens / %d sequences per step",
                    nb, blockSize, nb * (double) blockBytes / 1e9, maxTokens, maxSeqs));
        } catch (RuntimeException | Error e) {
            freeAll();
            w.close();
            dense.close();
            kernels.close();
            cudaStreamDestroy(stream);
            throw e;
        }
        numBlocks = nb;
        kvLayerElems = kvLayer * nb;
        meta = Gpu.hostSegment(hMeta, metaInts * 4);
        logitsView = Gpu.hostSegment(hLogits, (long) logitChunk * cfg.vocabSize() * 4);
        graphsEnabled = config.cudaGraphs;
        try {
            setDecodeMode(config.decodeKernels);
        } catch (RuntimeException e) {
            progress.accept("cuda: decode kernels off, timing them failed: " + e.getMessage());
            cudaGetLastError();
            resetGraphs();
            decodeMode = "off";
            plans = new DecodePlan[] {DecodePlan.NONE, DecodePlan.NONE, DecodePlan.NONE, DecodePlan.NONE};
        }
        String dev = String.format(Locale.ROOT, "cuda:%d %s (sm_%d%d, %.0f GB, %s, NVRTC kernels%s%s)", device, devName, major, minor,
                totalMem / 1e9, dense.describe(), decodeKernels ? ", decode kernels " + config.decodeKernels + " for <= 8 rows" + (pdl ? " (programmatic launch)" : "") : "",
                graphsEnabled ? ", CUDA graphs for decode" : "");
        info = new BackendInfo("cuda", dev, "bfloat16", blockSize, numBlocks, maxTokens, maxSeqs, cfg.vocabSize(), maxContext,
                EnumSet.of(BackendCapability.CHUNKED_PREFILL, BackendCapability.MULTI_POSITION_LOGITS), LOGITS_TOLERANCE);
    }

    /**
     * The relative L2 error against cpu-reference this backend promises: bf16 weights and
     * activations give up to about 2e-2 on random-weight models (1.1e-2 to 2.03e-2 measured on the
     * H200 across the check models and the conformance kit's model), 1.3e-2 on the golden model.
     */
    static final double LOGITS_TOLERANCE = 3e-2;

    @Override
    public BackendInfo info() {
        return info;
    }

    /** The dense layers (the benchmark times a raw GEMM through them). */
    CublasDenseLayers dense() {
        return dense;
    }

    CUstream_st stream() {
        return stream;
    }

    boolean graphsEnabled() {
        return graphsEnabled;
    }

    /** Turns CUDA graphs off or on (the check compares both paths). */
    void setGraphsEnabled(boolean on) {
        graphsEnabled = on;
    }

    int graphCount() {
        return graphs.size();
    }

    /** Nodes of the graph captured for a decode bucket (-1 before its capture). */
    long graphNodes(int bucket) {
        return graphNodes.getOrDefault(bucket, -1L);
    }

    private final Map<Integer, Long> graphNodes = new HashMap<>();

    /** Drops the captured graphs (after a change that alters what a step launches). */
    void resetGraphs() {
        Gpu.sync(stream);
        for (CUgraphExec_st e : graphs.values()) {
            cudaGraphExecDestroy(e);
        }
        graphs.clear();
    }

    // ------------------------------------------------------------------------------------------
    // step

    @Override
    public Logits execute(StepBatch batch) {
        if (closed) {
            throw new IllegalStateException("backend is closed");
        }
        validate(batch);
        Gpu.check(cudaSetDevice(device), "cudaSetDevice");
        int t = batch.numTokens();
        List<SequenceSlice> slices = batch.slices();
        int r = batch.logitIndices().length;
        boolean allDecode = true;
        for (SequenceSlice s : slices) {
            allDecode &= s.length() == 1;
        }
        int bucket = allDecode ? bucket(t) : 0;
        if (graphsEnabled && allDecode && bucket <= maxSeqs && bucket <= maxTokens && r <= bucket && bucket <= logitChunk) {
            Layout lay = pack(batch, bucket);
            Gpu.h2dAsync(dMeta, hMeta, lay.total() * 4, stream);
            CUgraphExec_st exec = graphs.get(bucket);
            if (exec == null) {
                exec = capture(lay);
            }
            if (exec != null) {
                Gpu.check(cudaGraphLaunch(exec, stream), "cudaGraphLaunch");
                return copyLogits(0, r);
            }
            // capture failed: graphs are now off; run this step eagerly with the same metadata
            forward(lay);
            logitsChunk(lay, 0, r);
            return copyLogits(0, r);
        }
        Layout lay = pack(batch, 0);
        Gpu.h2dAsync(dMeta, hMeta, lay.total() * 4, stream);
        forward(lay);
        ensureLogitsCapacity(r);
        for (int r0 = 0; r0 < r; r0 += logitChunk) {
            int n = Math.min(logitChunk, r - r0);
            logitsChunk(lay, r0, n);
            copyChunk(r0, n);
        }
        if (r == 0) {
            Gpu.sync(stream); // the page-locked metadata is rewritten by the next step
        }
        return new Logits(logitsOut, r, cfg.vocabSize());
    }

    /** The smallest power of two at least {@code n}. */
    static int bucket(int n) {
        int b = 1;
        while (b < n) {
            b <<= 1;
        }
        return b;
    }

    private void validate(StepBatch b) {
        int t = b.numTokens();
        if (t == 0) {
            throw new InvalidStepException("the step has no tokens");
        }
        if (t > maxTokens) {
            throw new InvalidStepException("the step has " + t + " tokens, more than max-tokens-per-step " + maxTokens);
        }
        if (b.positions().length != t) {
            throw new InvalidStepException("positions has " + b.positions().length + " entries for " + t + " tokens");
        }
        List<SequenceSlice> slices = b.slices();
        if (slices.isEmpty()) {
            throw new InvalidStepException("the step has no sequences");
        }
        if (slices.size() > maxSeqs) {
            throw new InvalidStepException("the step has " + slices.size() + " sequences, more than " + maxSeqs);
        }
        int vocab = cfg.vocabSize();
        int expectedOffset = 0;
        for (SequenceSlice s : slices) {
            String who = "sequence " + s.sequenceId();
            if (s.offset() != expectedOffset) {
                throw new InvalidStepException(who + ": slice starts at " + s.offset() + ", expected " + expectedOffset);
            }
            if (s.length() < 1) {
                throw new InvalidStepException(who + ": slice length " + s.length() + " (at least 1)");
            }
            if (s.contextLength() < 0) {
                throw new InvalidStepException(who + ": negative context length " + s.contextLength());
            }
            long end = (long) s.contextLength() + s.length();
            if (end > maxContext) {
                throw new InvalidStepException(who + ": " + end + " positions exceed the maximum context length " + maxContext);
            }
            if (s.offset() + s.length() > t) {
                throw new InvalidStepException(who + ": slice runs past the " + t + " tokens of the step");
            }
            int[] table = s.blockTable();
            if (table == null) {
                throw new InvalidStepException(who + ": no block table");
            }
            int needBlocks = (int) ((end + blockSize - 1) / blockSize);
            if (table.length < needBlocks) {
                throw new InvalidStepException(who + ": block table has " + table.length + " blocks, " + needBlocks
                        + " needed for " + end + " positions");
            }
            for (int i = 0; i < needBlocks; i++) {
                if (table[i] < 0 || table[i] >= numBlocks) {
                    throw new InvalidStepException(who + ": block id " + table[i] + " outside the pool of " + numBlocks + " blocks");
                }
            }
            for (int i = 0; i < s.length(); i++) {
                int idx = s.offset() + i;
                int tok = b.tokens()[idx];
                if (tok < 0 || tok >= vocab) {
                    throw new InvalidStepException(who + ": token id " + tok + " outside the vocabulary of " + vocab);
                }
                if (b.positions()[idx] != s.contextLength() + i) {
                    throw new InvalidStepException(who + ": token " + idx + " is at position " + b.positions()[idx] + ", expected "
                            + (s.contextLength() + i));
                }
            }
            expectedOffset += s.length();
        }
        if (expectedOffset != t) {
            throw new InvalidStepException("slices cover " + expectedOffset + " of " + t + " tokens");
        }
        int[] li = b.logitIndices();
        if (li.length > maxTokens) {
            throw new InvalidStepException(li.length + " logits rows asked for, more than " + maxTokens);
        }
        for (int i : li) {
            if (i < 0 || i >= t) {
                throw new InvalidStepException("logit index " + i + " outside the step's " + t + " tokens");
            }
        }
    }

    /** Writes the step's metadata into the page-locked buffer; {@code pad > 0} pads a decode step to that many rows. */
    private Layout pack(StepBatch b, int pad) {
        List<SequenceSlice> slices = b.slices();
        int t = b.numTokens();
        int nSeq = slices.size();
        long btLen = 0;
        int decodeCount = 0;
        int tiles = 0;
        for (SequenceSlice s : slices) {
            btLen += (s.contextLength() + s.length() + blockSize - 1) / blockSize;
            if (s.length() <= KernelSource.DECODE_MAX_LEN || !prefillTiles) {
                decodeCount += s.length();
            } else {
                tiles += (s.length() + KernelSource.PREFILL_ROWS - 1) / KernelSource.PREFILL_ROWS;
            }
        }
        int rows = pad > 0 ? pad : t;
        int seqRows = pad > 0 ? pad : nSeq;
        int logitRows = pad > 0 ? pad : b.logitIndices().length;
        Layout lay = Layout.of(rows, seqRows, logitRows, pad > 0 ? pad : decodeCount, tiles, btLen);
        if (lay.total() > metaInts) {
            throw new InvalidStepException("the step's block tables are larger than the backend's metadata buffer ("
                    + lay.total() + " > " + metaInts + " ints)");
        }
        MemorySegment m = meta;
        ValueLayout.OfInt I = ValueLayout.JAVA_INT;
        long bt = 0;
        int dec = 0;
        int tile = 0;
        for (int si = 0; si < nSeq; si++) {
            SequenceSlice s = slices.get(si);
            int nb = (s.contextLength() + s.length() + blockSize - 1) / blockSize;
            m.setAtIndex(I, lay.oSeq() + 4L * si, s.offset());
            m.setAtIndex(I, lay.oSeq() + 4L * si + 1, s.length());
            m.setAtIndex(I, lay.oSeq() + 4L * si + 2, s.contextLength());
            m.setAtIndex(I, lay.oSeq() + 4L * si + 3, (int) bt);
            MemorySegment.copy(s.blockTable(), 0, m, I, (lay.oBt() + bt) * 4, nb);
            int[] table = s.blockTable();
            boolean viaDecode = pad > 0 || s.length() <= KernelSource.DECODE_MAX_LEN || !prefillTiles;
            for (int i = 0; i < s.length(); i++) {
                int idx = s.offset() + i;
                int p = s.contextLength() + i;
                m.setAtIndex(I, lay.oTokens() + idx, b.tokens()[idx]);
                m.setAtIndex(I, lay.oPos() + idx, p);
                m.setAtIndex(I, lay.oSlot() + idx, table[p / blockSize] * blockSize + p % blockSize);
                m.setAtIndex(I, lay.oTokSeq() + idx, si);
                if (viaDecode && pad == 0) {
                    m.setAtIndex(I, lay.oDec() + dec++, idx);
                }
            }
            if (!viaDecode) {
                for (int r0 = 0; r0 < s.length(); r0 += KernelSource.PREFILL_ROWS) {
                    m.setAtIndex(I, lay.oTiles() + 2L * tile, si);
                    m.setAtIndex(I, lay.oTiles() + 2L * tile + 1, r0);
                    tile++;
                }
            }
            bt += nb;
        }
        int[] li = b.logitIndices();
        for (int i = 0; i < li.length; i++) {
            m.setAtIndex(I, lay.oLogit() + i, li[i]);
        }
        if (pad > 0) {
            for (int i = t; i < pad; i++) { // padding rows: token 0 at position 0, no KV write, zero attention
                m.setAtIndex(I, lay.oTokens() + i, 0);
                m.setAtIndex(I, lay.oPos() + i, 0);
                m.setAtIndex(I, lay.oSlot() + i, -1);
                m.setAtIndex(I, lay.oTokSeq() + i, -1);
            }
            for (int i = 0; i < pad; i++) {
                m.setAtIndex(I, lay.oDec() + i, i);
            }
            for (int si = nSeq; si < pad; si++) {
                for (int k = 0; k < 4; k++) {
                    m.setAtIndex(I, lay.oSeq() + 4L * si + k, 0);
                }
            }
            for (int i = li.length; i < pad; i++) {
                m.setAtIndex(I, lay.oLogit() + i, 0);
            }
        }
        return lay;
    }

    private long metaPtr(long offsetInts) {
        return dMeta + offsetInts * 4;
    }

    private long kCache(int layer) {
        return kvPool + 2L * layer * kvLayerElems * 2;
    }

    private long vCache(int layer) {
        return kvPool + (2L * layer + 1) * kvLayerElems * 2;
    }

    private int normThreads() {
        int th = ((cfg.hiddenSize() / 8 + 31) / 32) * 32;
        return Math.max(64, Math.min(1024, th));
    }

    /** All layers for the tokens of {@code lay}; leaves the residual stream in {@code dX}. */
    private void forward(Layout lay) {
        int t = lay.tokens();
        DecodePlan plan = planFor(t);
        stepPlan = plan;
        Kernels k = kernels;
        if (profiling) {
            mark("start");
        }
        k.args().ptr(metaPtr(lay.oTokens())).ptr(w.embed).ptr(dX).i32(t).launch(kEmbed, t, 1, 256, stream);
        debugSync("embed");
        boolean grouped = (long) lay.decodeCount() * cfg.numKeyValueHeads() >= 2L * numSms;
        for (int l = 0; l < cfg.numLayers(); l++) {
            long prevDownBias = l > 0 ? w.downBias[l - 1] : 0;
            qkvStage(l, t, plan.qkv(), metaPtr(lay.oPos()), metaPtr(lay.oSlot()), plan.down() ? 0 : prevDownBias);
            if (lay.decodeCount() > 0) {
                k.args().ptr(dQ).ptr(kCache(l)).ptr(vCache(l)).ptr(metaPtr(lay.oDec())).ptr(metaPtr(lay.oTokSeq()))
                        .ptr(metaPtr(lay.oPos())).ptr(metaPtr(lay.oSeq())).ptr(metaPtr(lay.oBt())).ptr(dAttn).i32(blockSize);
                boolean p = pdl && plan.any(); // the decode kernels around it run under programmatic dependent launch
                if (grouped) {
                    k.launchPdlIf(p, kDecodeG, lay.decodeCount(), cfg.numKeyValueHeads(), decodeWarpsG * 32, stream);
                } else {
                    boolean fast = latencyAttention && kDecode1 != null;
                    k.launchPdlIf(p, fast ? kDecode1 : kDecodeW, lay.decodeCount(), cfg.numAttentionHeads(),
                            fast ? KernelSource.FAST_ATTENTION_THREADS : decodeWThreads, stream);
                }
                debugSync("decode attention");
            }
            if (lay.tiles() > 0) {
                k.args().ptr(dQ).ptr(kCache(l)).ptr(vCache(l)).ptr(metaPtr(lay.oTiles())).ptr(metaPtr(lay.oSeq()))
                        .ptr(metaPtr(lay.oBt())).ptr(dAttn).i32(blockSize).launch(kPrefill, lay.tiles(), cfg.numAttentionHeads(), 128, stream);
                debugSync("prefill attention");
            }
            oStage(l, t, plan.o());
            gateUpStage(l, t, plan.gateUp(), plan.o() ? 0 : w.oBias[l]);
            downStage(l, t, plan.down());
        }
    }

    /** The plan for a step of {@code t} token rows: the bucket's for at most 8 rows, else the GEMM path. */
    private DecodePlan planFor(int t) {
        return t <= 8 ? plans[rowIndex(t)] : DecodePlan.NONE;
    }

    /** log2 of the row bucket of {@code t <= 8} rows. */
    static int rowIndex(int t) {
        return Integer.numberOfTrailingZeros(bucket(t));
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    private static final int DK_THREADS = 128;
    private static final int DK_WARPS = 4;

    /** RMSNorm (+ the previous product's bias when it left it out) and the QKV product, RoPE and the K/V write. */
    private void qkvStage(int l, int t, boolean fused, long pos, long slots, long normBias) {
        if (fused) {
            if (normBias != 0) {
                throw new IllegalStateException("the fused QKV kernel cannot add the previous product's bias");
            }
            kernels.args().ptr(w.qkv[l].address()).ptr(dX).ptr(w.inputNorm[l]).ptr(w.qkvBias[l]).ptr(pos).ptr(slots).ptr(w.ropeCos)
                    .ptr(w.ropeSin).ptr(dQ).ptr(kCache(l)).ptr(vCache(l)).i32(t)
                    .launchPdlIf(pdl, kDkQkv[rowIndex(t)], ceilDiv((cfg.queryDim() + 2 * cfg.keyValueDim()) / 2, DK_WARPS), 1, DK_THREADS, stream);
            debugSync("qkv: norm+product+rope (decode kernel)");
            return;
        }
        kernels.args().ptr(dX).ptr(normBias).ptr(0).ptr(w.inputNorm[l]).ptr(dXn).i32(t).i32(1).launch(kNorm, t, 1, normThreads(), stream);
        debugSync("rmsnorm");
        dense.linear(w.qkv[l], dXn, dQkv, t, DenseLayers.Out.F32, false);
        debugSync("qkv gemm");
        kernels.args().ptr(dQkv).ptr(w.qkvBias[l]).ptr(pos).ptr(slots).ptr(w.ropeCos).ptr(w.ropeSin)
                .ptr(dQ).ptr(kCache(l)).ptr(vCache(l)).i32(t).i32(blockSize).launch(kQkvRope, t, 1, 128, stream);
        debugSync("qkv rope");
    }

    /** The O product accumulated into the residual stream (the decode kernel adds o_proj's bias too). */
    private void oStage(int l, int t, boolean kernel) {
        if (kernel) {
            kernels.args().ptr(w.o[l].address()).ptr(dAttn).ptr(dX).ptr(w.oBias[l]).i32(cfg.hiddenSize()).i32(cfg.queryDim()).i32(t).i32(1)
                    .launchPdlIf(pdl, kDkLinear[rowIndex(t)], ceilDiv(cfg.hiddenSize(), DK_WARPS), 1, DK_THREADS, stream);
            debugSync("o product (decode kernel)");
            return;
        }
        dense.linear(w.o[l], dAttn, dX, t, DenseLayers.Out.F32, true);
        debugSync("o gemm");
    }

    /** RMSNorm (+ o_proj's bias when the O product left it out), gate+up product and SwiGLU into {@code dAct}. */
    private void gateUpStage(int l, int t, boolean fused, long normBias) {
        if (fused) {
            if (normBias != 0) {
                throw new IllegalStateException("the fused gate/up kernel cannot add the O product's bias");
            }
            kernels.args().ptr(w.gateUp[l].address()).ptr(dX).ptr(w.postNorm[l]).ptr(w.gateUpBias[l]).ptr(dAct).i32(t)
                    .launchPdlIf(pdl, kDkGateUp[rowIndex(t)], ceilDiv(cfg.intermediateSize(), DK_WARPS), 1, DK_THREADS, stream);
            debugSync("gate_up: norm+product+swiglu (decode kernel)");
            return;
        }
        kernels.args().ptr(dX).ptr(normBias).ptr(0).ptr(w.postNorm[l]).ptr(dXn).i32(t).i32(1).launch(kNorm, t, 1, normThreads(), stream);
        debugSync("rmsnorm");
        dense.linear(w.gateUp[l], dXn, dGu, t, DenseLayers.Out.BF16, false);
        debugSync("gate_up gemm");
        long n = (long) t * cfg.intermediateSize();
        int grid = (int) Math.min((n + 255) / 256, 16L * numSms);
        kernels.args().ptr(dGu).ptr(w.gateUpBias[l]).ptr(dAct).i32(t).launch(kSwiglu, grid, 1, 256, stream);
        debugSync("swiglu");
    }

    /** The down product accumulated into the residual stream (the decode kernel adds down_proj's bias too). */
    private void downStage(int l, int t, boolean kernel) {
        if (kernel) {
            kernels.args().ptr(w.down[l].address()).ptr(dAct).ptr(dX).ptr(w.downBias[l]).i32(cfg.hiddenSize()).i32(cfg.intermediateSize())
                    .i32(t).i32(1).launchPdlIf(pdl, kDkDown[rowIndex(t)], ceilDiv(cfg.hiddenSize(), DK_WARPS), 1, DK_THREADS, stream);
            debugSync("down product (decode kernel)");
            return;
        }
        dense.linear(w.down[l], dAct, dX, t, DenseLayers.Out.F32, true);
        debugSync("down gemm");
    }

    /** The output head on the {@code n} gathered rows of {@code dXg}, into {@code dLogits}. */
    private void headStage(int n, boolean kernel) {
        if (kernel) {
            kernels.args().ptr(w.lmHead.address()).ptr(dXg).ptr(dLogits).ptr(0).i32(cfg.vocabSize()).i32(cfg.hiddenSize()).i32(n).i32(0)
                    .launchPdlIf(pdl, kDkLinear[rowIndex(n)], ceilDiv(cfg.vocabSize(), DK_WARPS), 1, DK_THREADS, stream);
            debugSync("lm_head (decode kernel)");
            return;
        }
        dense.linear(w.lmHead, dXg, dLogits, n, DenseLayers.Out.F32, false);
        debugSync("lm_head gemm");
    }

    /** Final norm of the logits rows {@code [r0, r0 + n)} (gathered) and the output head, into {@code dLogits}. */
    private void logitsChunk(Layout lay, int r0, int n) {
        long lastBias = stepPlan.down() ? 0 : w.downBias[cfg.numLayers() - 1];
        kernels.args().ptr(dX).ptr(lastBias).ptr(metaPtr(lay.oLogit() + r0)).ptr(w.finalNorm).ptr(dXg).i32(n).i32(0)
                .launch(kNorm, n, 1, normThreads(), stream);
        debugSync("final norm");
        headStage(n, n <= 8 && plans[rowIndex(n)].head());
    }

    // ---- decode kernels: mode, plans, timing ----

    /** {@code auto} (time both ways per part and bucket, keep the faster), {@code on} or {@code off}; drops captured graphs. */
    void setDecodeMode(String mode) {
        DecodePlan[] p = new DecodePlan[4];
        switch (mode) {
            case "off" -> java.util.Arrays.fill(p, DecodePlan.NONE);
            case "on" -> {
                for (int i = 0; i < 4; i++) {
                    p[i] = decodeKernels ? constrain(DecodePlan.ALL, i) : DecodePlan.NONE;
                }
            }
            case "auto" -> p = decodeKernels ? tuned() : new DecodePlan[] {DecodePlan.NONE, DecodePlan.NONE, DecodePlan.NONE, DecodePlan.NONE};
            default -> throw new IllegalArgumentException("decode mode must be auto, on or off: " + mode);
        }
        resetGraphs();
        plans = p;
        decodeMode = mode;
    }

    /** Forces one plan on every row bucket (made consistent with the model); for the checks. */
    void setDecodePlan(DecodePlan plan) {
        DecodePlan[] p = new DecodePlan[4];
        for (int i = 0; i < 4; i++) {
            p[i] = decodeKernels ? constrain(plan, i) : DecodePlan.NONE;
        }
        resetGraphs();
        plans = p;
        decodeMode = "forced";
    }

    private DecodePlan constrain(DecodePlan p, int i) {
        return p.constrained(KernelSource.DECODE_ROWS[i] <= decodeNormRows, hasOBias, hasDownBias);
    }

    String decodeMode() {
        return decodeMode;
    }

    boolean programmaticLaunch() {
        return pdl;
    }

    /** Whether small-batch decode attention runs in the latency kernel ({@code attn_decode_1}). */
    boolean latencyAttention() {
        return latencyAttention && kDecode1 != null;
    }

    /** Small-batch decode attention in the latency kernel (where compiled) or the warp kernel; drops captured graphs. For the benchmark. */
    void setLatencyAttention(boolean on) {
        resetGraphs();
        latencyAttention = on;
    }

    /** Turns programmatic dependent launch of the decode kernels off or back on (where supported); drops captured graphs. */
    void setProgrammaticLaunch(boolean on) {
        resetGraphs();
        pdl = on && pdlSupported;
    }

    /** The plans per bucket and, after timing, the microseconds of each part both ways. */
    String decodeReport() {
        StringBuilder s = new StringBuilder("decode kernels (" + decodeMode + "):");
        for (int i = 0; i < 4; i++) {
            s.append(String.format(Locale.ROOT, "%n  %d row(s): %s", KernelSource.DECODE_ROWS[i], plans[i].describe()));
        }
        if (!decodeReport.isEmpty()) {
            s.append(String.format(Locale.ROOT, "%n")).append(decodeReport);
        }
        return s.toString();
    }

    private DecodePlan[] tuned() {
        String key = devName + "|" + device + "|" + cfg + "|" + blockSize + "|" + maxTokens + "|" + logitChunk;
        Object[] hit = TUNED.get(key);
        if (hit == null) {
            hit = tune();
            TUNED.put(key, hit);
        }
        decodeReport = (String) hit[1];
        return ((DecodePlan[]) hit[0]).clone();
    }

    /**
     * Times every part of a step of 1, 2, 4 and 8 rows both ways, each captured as a CUDA graph of
     * that part over all layers (so the weights stream from memory, not L2, and launch costs are a
     * graph's), and keeps the faster per part and bucket. Writes only scratch activations.
     */
    private Object[] tune() {
        long t0 = System.nanoTime();
        int h = cfg.hiddenSize();
        int layers = cfg.numLayers();
        DecodePlan[] out = new DecodePlan[4];
        StringBuilder rep = new StringBuilder(
                "  decode-kernel timing (us per layer, head per call; kernel vs GEMM path, * = kernel kept; weight bytes / kernel time):");
        int rowsMax = Math.min(8, Math.min(maxTokens, logitChunk));
        Gpu.check(cudaMemsetAsync(Gpu.at(dX), 0, (long) rowsMax * h * 4, stream), "memset x");
        Gpu.check(cudaMemsetAsync(Gpu.at(dAttn), 0, (long) rowsMax * cfg.queryDim() * 2, stream), "memset attn");
        Gpu.check(cudaMemsetAsync(Gpu.at(dAct), 0, (long) rowsMax * cfg.intermediateSize() * 2, stream), "memset act");
        Gpu.check(cudaMemsetAsync(Gpu.at(dXg), 0, (long) rowsMax * h * 2, stream), "memset xg");
        long pos = dTune;
        long slots = dTune + 32;
        long qkvBytes = 2L * (cfg.queryDim() + 2L * cfg.keyValueDim()) * h;
        long oBytes = 2L * h * cfg.queryDim();
        long guBytes = 4L * cfg.intermediateSize() * h;
        long downBytes = 2L * h * cfg.intermediateSize();
        long headBytes = 2L * cfg.vocabSize() * h;
        int headReps = 4;
        CUevent_st e0 = new CUevent_st();
        CUevent_st e1 = new CUevent_st();
        Gpu.check(cudaEventCreate(e0), "cudaEventCreate");
        Gpu.check(cudaEventCreate(e1), "cudaEventCreate");
        try {
            for (int i = 0; i < 4; i++) {
                int r = KernelSource.DECODE_ROWS[i];
                if (r > rowsMax) {
                    out[i] = DecodePlan.NONE;
                    continue;
                }
                boolean fr = r <= decodeNormRows;
                double qk = fr ? time(e0, e1, layers, () -> { for (int l = 0; l < layers; l++) { qkvStage(l, r, true, pos, slots, 0); } })
                        : Double.POSITIVE_INFINITY;
                double qc = time(e0, e1, layers, () -> { for (int l = 0; l < layers; l++) { qkvStage(l, r, false, pos, slots, 0); } });
                double ok = time(e0, e1, layers, () -> { for (int l = 0; l < layers; l++) { oStage(l, r, true); } });
                double oc = time(e0, e1, layers, () -> { for (int l = 0; l < layers; l++) { oStage(l, r, false); } });
                double gk = fr ? time(e0, e1, layers, () -> { for (int l = 0; l < layers; l++) { gateUpStage(l, r, true, 0); } })
                        : Double.POSITIVE_INFINITY;
                double gc = time(e0, e1, layers, () -> { for (int l = 0; l < layers; l++) { gateUpStage(l, r, false, 0); } });
                double dk = time(e0, e1, layers, () -> { for (int l = 0; l < layers; l++) { downStage(l, r, true); } });
                double dc = time(e0, e1, layers, () -> { for (int l = 0; l < layers; l++) { downStage(l, r, false); } });
                double hk = time(e0, e1, headReps, () -> { for (int q = 0; q < headReps; q++) { headStage(r, true); } });
                double hc = time(e0, e1, headReps, () -> { for (int q = 0; q < headReps; q++) { headStage(r, false); } });
                DecodePlan p = new DecodePlan(wins(qk, qc), wins(ok, oc), wins(gk, gc), wins(dk, dc), wins(hk, hc));
                out[i] = constrain(p, i);
                rep.append(String.format(Locale.ROOT, "%n    %d row(s): norm+qkv+rope %s | o %s | norm+gate_up+swiglu %s | down %s | lm_head %s",
                        r, pair(qk, qc, qkvBytes), pair(ok, oc, oBytes), pair(gk, gc, guBytes), pair(dk, dc, downBytes),
                        pair(hk, hc, headBytes)));
            }
        } finally {
            cudaEventDestroy(e0);
            cudaEventDestroy(e1);
        }
        Gpu.sync(stream);
        rep.append(String.format(Locale.ROOT, "%n    (timed in %.0f ms)", (System.nanoTime() - t0) / 1e6));
        progress.accept("cuda: " + rep.toString().strip());
        return new Object[] {out, rep.toString()};
    }

    /**
     * A decode kernel is kept unless the GEMM path is faster by more than this fraction: timed alone
     * the two can tie, but in a whole step the GEMM path costs more graph nodes (cuBLAS's extra
     * kernels, the separate norm / RoPE / SwiGLU launches) and breaks the chain of programmatically
     * launched decode kernels. On the H200 at batch 1 the down product timed 10.3-10.9 us in the
     * kernel against 10.4 us in cuBLAS, and whole steps with it in the kernel ran at 964-969 tok/s
     * against 905-922 tok/s with it in cuBLAS.
     */
    static final double KERNEL_MARGIN = 0.10;

    static boolean wins(double kernelUs, double gemmUs) {
        return kernelUs <= gemmUs * (1 + KERNEL_MARGIN);
    }

    private static String pair(double kernelUs, double gemmUs, long bytes) {
        if (Double.isInfinite(kernelUs)) {
            return String.format(Locale.ROOT, "- vs %.1f", gemmUs);
        }
        return String.format(Locale.ROOT, "%.1f vs %.1f%s (%.2f TB/s)", kernelUs, gemmUs, wins(kernelUs, gemmUs) ? " *" : "",
                bytes / (kernelUs * 1e-6) / 1e12);
    }

    /** Microseconds per unit of {@code body} (which enqueues {@code units} units), replayed as a CUDA graph. */
    private double time(CUevent_st e0, CUevent_st e1, int units, Runnable body) {
        CUgraph_st graph = new CUgraph_st();
        CUgraphExec_st exec = new CUgraphExec_st();
        Gpu.check(cudaStreamBeginCapture(stream, cudaStreamCaptureModeThreadLocal), "cudaStreamBeginCapture");
        try {
            body.run();
        } catch (RuntimeException e) {
            cudaStreamEndCapture(stream, graph);
            cudaGetLastError();
            throw e;
        }
        Gpu.check(cudaStreamEndCapture(stream, graph), "cudaStreamEndCapture");
        Gpu.check(cudaGraphInstantiate(exec, graph, 0L), "cudaGraphInstantiate");
        cudaGraphDestroy(graph);
        try {
            Gpu.check(cudaGraphLaunch(exec, stream), "cudaGraphLaunch");
            int reps = 3;
            Gpu.check(cudaEventRecord(e0, stream), "cudaEventRecord");
            for (int i = 0; i < reps; i++) {
                Gpu.check(cudaGraphLaunch(exec, stream), "cudaGraphLaunch");
            }
            Gpu.check(cudaEventRecord(e1, stream), "cudaEventRecord");
            Gpu.check(cudaEventSynchronize(e1), "cudaEventSynchronize");
            float[] ms = new float[1];
            Gpu.check(cudaEventElapsedTime(ms, e0, e1), "cudaEventElapsedTime");
            return ms[0] * 1e3 / reps / units;
        } finally {
            cudaGraphExecDestroy(exec);
        }
    }

    private void ensureLogitsCapacity(int rows) {
        long need = (long) rows * cfg.vocabSize();
        if (need > Integer.MAX_VALUE - 8) {
            throw new InvalidStepException(rows + " logits rows do not fit one float[]");
        }
        if (logitsOut.length < need) {
            logitsOut = new float[(int) need];
        }
    }

    private void copyChunk(int r0, int n) {
        long floats = (long) n * cfg.vocabSize();
        Gpu.d2hAsync(hLogits, dLogits, floats * 4, stream);
        Gpu.sync(stream);
        MemorySegment.copy(logitsView, ValueLayout.JAVA_FLOAT, 0, logitsOut, (int) ((long) r0 * cfg.vocabSize()), (int) floats);
    }

    private Logits copyLogits(int r0, int r) {
        ensureLogitsCapacity(r);
        if (r > 0) {
            copyChunk(r0, r);
        } else {
            Gpu.sync(stream);
        }
        return new Logits(logitsOut, r, cfg.vocabSize());
    }

    /** Captures the whole decode forward (layers, final norm, output head) for a padded bucket; null when capture fails. */
    private CUgraphExec_st capture(Layout lay) {
        CUgraph_st graph = new CUgraph_st();
        CUgraphExec_st exec = new CUgraphExec_st();
        boolean capturing = false;
        try {
            Gpu.check(cudaStreamBeginCapture(stream, cudaStreamCaptureModeThreadLocal), "cudaStreamBeginCapture");
            capturing = true;
            forward(lay);
            logitsChunk(lay, 0, lay.logitRows());
            capturing = false;
            Gpu.check(cudaStreamEndCapture(stream, graph), "cudaStreamEndCapture");
            try (SizeTPointer n = new SizeTPointer(1)) {
                if (cudaGraphGetNodes(graph, (org.bytedeco.cuda.cudart.CUgraphNode_st) null, n) == 0) {
                    graphNodes.put(lay.tokens(), n.get());
                }
            }
            Gpu.check(cudaGraphInstantiate(exec, graph, 0L), "cudaGraphInstantiate");
            cudaGraphDestroy(graph);
            graphs.put(lay.tokens(), exec);
            return exec;
        } catch (RuntimeException e) {
            if (capturing) {
                cudaStreamEndCapture(stream, graph);
            }
            cudaGetLastError();
            graphsEnabled = false;
            progress.accept("cuda: CUDA graph capture failed, running decode steps eagerly from now on: " + e.getMessage());
            return null;
        }
    }

    // ---- profiling: CUDA events between the stages of one eager step ----
    private boolean profiling;
    private final List<org.bytedeco.cuda.cudart.CUevent_st> events = new java.util.ArrayList<>();
    private final List<String> eventNames = new java.util.ArrayList<>();
    private int eventCount;

    private void mark(String what) {
        if (eventCount == events.size()) {
            org.bytedeco.cuda.cudart.CUevent_st e = new org.bytedeco.cuda.cudart.CUevent_st();
            Gpu.check(cudaEventCreate(e), "cudaEventCreate");
            events.add(e);
            eventNames.add(what);
        }
        eventNames.set(eventCount, what);
        Gpu.check(cudaEventRecord(events.get(eventCount++), stream), "cudaEventRecord");
    }

    private static final long SPIN_NANOS = 100_000_000L;

    /**
     * Runs {@code batch} eagerly with an event after every stage and returns milliseconds per stage
     * name (summed over layers), in first-seen order. A spin kernel holds the stream until the whole
     * step is enqueued, so the stages run back to back and the events time the GPU alone (not the
     * host's launch gaps). For the benchmark; the step's effects are the same as {@link #execute}.
     */

    Map<String, Double> profile(StepBatch batch) {
        boolean g = graphsEnabled;
        graphsEnabled = false;
        profiling = true;
        eventCount = 0;
        try {
            // hold the stream while the step is enqueued, so that the events time the GPU, not the host's launches
            kernels.args().ptr(SPIN_NANOS).launch(kSpin, 1, 1, 32, stream);
            execute(batch);
        } finally {
            profiling = false;
            graphsEnabled = g;
        }
        Map<String, Double> out = new java.util.LinkedHashMap<>();
        float[] ms = new float[1];
        for (int i = 1; i < eventCount; i++) {
            Gpu.check(cudaEventElapsedTime(ms, events.get(i - 1), events.get(i)), "cudaEventElapsedTime");
            out.merge(eventNames.get(i), (double) ms[0], Double::sum);
        }
        return out;
    }

    private void debugSync(String what) {
        if (profiling) {
            mark(what);
        }
        if (DEBUG_SYNC) {
            int[] status = new int[1];
            cudaStreamIsCapturing(stream, status);
            if (status[0] != 0) {
                return;
            }
            int rc = cudaStreamSynchronize(stream);
            if (rc == 0) {
                rc = cudaGetLastError();
            }
            Gpu.check(rc, "step stage '" + what + "'");
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        cudaSetDevice(device);
        cudaStreamSynchronize(stream);
        for (CUgraphExec_st e : graphs.values()) {
            cudaGraphExecDestroy(e);
        }
        for (org.bytedeco.cuda.cudart.CUevent_st e : events) {
            cudaEventDestroy(e);
        }
        graphs.clear();
        freeAll();
        dense.close();
        w.close();
        kernels.close();
        cudaStreamDestroy(stream);
    }

    private void freeAll() {
        for (long a : new long[] {dX, dXn, dQkv, dQ, dAttn, dGu, dAct, dXg, dLogits, dMeta, kvPool}) {
            Gpu.free(a);
        }
        Gpu.free(dTune);
        dX = dXn = dQkv = dQ = dAttn = dGu = dAct = dXg = dLogits = dMeta = kvPool = dTune = 0;
        Gpu.freeHost(hMeta);
        Gpu.freeHost(hLogits);
        hMeta = hLogits = 0;
    }
}
