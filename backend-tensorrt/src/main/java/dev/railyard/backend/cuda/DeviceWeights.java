package dev.railyard.backend.cuda;

import dev.railyard.spi.model.DType;
import dev.railyard.spi.model.LoadedModel;
import dev.railyard.spi.model.ModelConfig;
import dev.railyard.spi.model.ModelFormatException;
import dev.railyard.spi.model.ModelWeights;
import dev.railyard.spi.model.RopeScaling;
import dev.railyard.spi.model.TensorView;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The model's weights on the device: matrices in bf16 (converted on the host from f32, f16 or
 * bf16, uploaded layer by layer through one page-locked staging buffer), norms, biases and the RoPE
 * tables in float32. Q/K/V are concatenated into one {@code [QD + 2 KVD, H]} matrix and gate/up
 * into one {@code [2 I, H]} matrix, so each is one product.
 */
final class DeviceWeights implements AutoCloseable {

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final long STAGING_BYTES = 64L << 20;

    final DenseLayers.Weight[] qkv;
    final DenseLayers.Weight[] o;
    final DenseLayers.Weight[] gateUp;
    final DenseLayers.Weight[] down;
    final long[] inputNorm;
    final long[] postNorm;
    final long[] qkvBias;
    final long[] oBias;
    final long[] gateUpBias;
    final long[] downBias;
    long embed;
    DenseLayers.Weight lmHead;
    long finalNorm;
    long ropeCos;
    long ropeSin;
    long deviceBytes;

    private final List<Long> allocations = new ArrayList<>();
    private long staging;
    private MemorySegment stagingView;

    private DeviceWeights(int layers) {
        qkv = new DenseLayers.Weight[layers];
        o = new DenseLayers.Weight[layers];
        gateUp = new DenseLayers.Weight[layers];
        down = new DenseLayers.Weight[layers];
        inputNorm = new long[layers];
        postNorm = new long[layers];
        qkvBias = new long[layers];
        oBias = new long[layers];
        gateUpBias = new long[layers];
        downBias = new long[layers];
    }

    static DeviceWeights upload(LoadedModel model, int maxPositions, Consumer<String> progress) {
        ModelConfig c = model.config();
        DeviceWeights w = new DeviceWeights(c.numLayers());
        try {
            w.staging = Gpu.mallocHost(STAGING_BYTES);
            w.stagingView = Gpu.hostSegment(w.staging, STAGING_BYTES);
            w.load(model, maxPositions, progress);
            return w;
        } catch (RuntimeException | Error e) {
            w.close();
            throw e;
        } finally {
            if (w.staging != 0) {
                Gpu.freeHost(w.staging);
                w.staging = 0;
            }
        }
    }

    private void load(LoadedModel model, int maxPositions, Consumer<String> progress) {
        ModelConfig c = model.config();
        ModelWeights mw = model.weights();
        int h = c.hiddenSize();
        int qd = c.queryDim();
        int kvd = c.keyValueDim();
        int inter = c.intermediateSize();
        long t0 = System.nanoTime();
        TensorView emb = mw.require("model.embed_tokens.weight", c.vocabSize(), h);
        checkFloat(emb);
        embed = matrix(emb);
        for (int l = 0; l < c.numLayers(); l++) {
            String p = "model.layers." + l + ".";
            inputNorm[l] = vector(mw.require(p + "input_layernorm.weight", h));
            postNorm[l] = vector(mw.require(p + "post_attention_layernorm.weight", h));
            long wqkv = alloc((long) (qd + 2 * kvd) * h * 2, p + "qkv");
            uploadMatrix(mw.require(p + "self_attn.q_proj.weight", qd, h), wqkv);
            uploadMatrix(mw.require(p + "self_attn.k_proj.weight", kvd, h), wqkv + (long) qd * h * 2);
            uploadMatrix(mw.require(p + "self_attn.v_proj.weight", kvd, h), wqkv + (long) (qd + kvd) * h * 2);
            qkv[l] = new DenseLayers.Weight(p + "qkv", wqkv, qd + 2 * kvd, h);
            long wo = matrix(mw.require(p + "self_attn.o_proj.weight", h, qd));
            o[l] = new DenseLayers.Weight(p + "o_proj", wo, h, qd);
            long wgu = alloc(2L * inter * h * 2, p + "gate_up");
            uploadMatrix(mw.require(p + "mlp.gate_proj.weight", inter, h), wgu);
            uploadMatrix(mw.require(p + "mlp.up_proj.weight", inter, h), wgu + (long) inter * h * 2);
            gateUp[l] = new DenseLayers.Weight(p + "gate_up", wgu, 2 * inter, h);
            long wd = matrix(mw.require(p + "mlp.down_proj.weight", h, inter));
            down[l] = new DenseLayers.Weight(p + "down_proj", wd, h, inter);
            if (c.qkvBias()) {
                float[] b = new float[qd + 2 * kvd];
                mw.require(p + "self_attn.q_proj.bias", qd).copyToFloats(0, b, 0, qd);
                mw.require(p + "self_attn.k_proj.bias", kvd).copyToFloats(0, b, qd, kvd);
                mw.require(p + "self_attn.v_proj.bias", kvd).copyToFloats(0, b, qd + kvd, kvd);
                qkvBias[l] = floats(b, p + "qkv bias");
            }
            if (c.outputProjectionBias()) {
                oBias[l] = vector(mw.require(p + "self_attn.o_proj.bias", h));
            }
            if (c.mlpBias()) {
                float[] b = new float[2 * inter];
                mw.require(p + "mlp.gate_proj.bias", inter).copyToFloats(0, b, 0, inter);
                mw.require(p + "mlp.up_proj.bias", inter).copyToFloats(0, b, inter, inter);
                gateUpBias[l] = floats(b, p + "gate_up bias");
                downBias[l] = vector(mw.require(p + "mlp.down_proj.bias", h));
            }
            if (l == 0 || l == c.numLayers() - 1 || (l + 1) % Math.max(1, c.numLayers() / 4) == 0) {
                progress.accept(String.format(Locale.ROOT, "cuda: uploaded layer %d/%d (%.1f GB on the device, %.1f s)",
                        l + 1, c.numLayers(), deviceBytes / 1e9, (System.nanoTime() - t0) / 1e9));
            }
        }
        finalNorm = vector(mw.require("model.norm.weight", h));
        if (c.tieWordEmbeddings()) {
            lmHead = new DenseLayers.Weight("lm_head (tied)", embed, c.vocabSize(), h);
        } else {
            lmHead = new DenseLayers.Weight("lm_head", matrix(mw.require("lm_head.weight", c.vocabSize(), h)), c.vocabSize(), h);
        }
        float[][] rope = ropeTables(c.headDim(), c.ropeTheta(), c.ropeScaling(), maxPositions);
        ropeCos = floats(rope[0], "rope cos");
        ropeSin = floats(rope[1], "rope sin");
        progress.accept(String.format(Locale.ROOT, "cuda: weights on the device: %.2f GB bf16 in %.1f s", deviceBytes / 1e9,
                (System.nanoTime() - t0) / 1e9));
    }

    private static void checkFloat(TensorView t) {
        if (!t.dtype().isFloatingWeightType()) {
            throw new ModelFormatException("tensor " + t.name() + " has dtype " + t.dtype() + "; the cuda backend takes F32, F16 or BF16");
        }
    }

    private long alloc(long bytes, String what) {
        long a = Gpu.malloc(bytes, what);
        allocations.add(a);
        deviceBytes += bytes;
        return a;
    }

    private long matrix(TensorView t) {
        long a = alloc(t.numElements() * 2, t.name());
        uploadMatrix(t, a);
        return a;
    }

    /** Converts {@code t} to bf16 through the staging buffer and copies it to {@code dst}. */
    private void uploadMatrix(TensorView t, long dst) {
        checkFloat(t);
        long n = t.numElements();
        long chunk = STAGING_BYTES / 2;
        MemorySegment src = t.data();
        for (long e0 = 0; e0 < n; e0 += chunk) {
            long m = Math.min(chunk, n - e0);
            if (t.dtype() == DType.BF16) {
                MemorySegment.copy(src, e0 * 2, stagingView, 0, m * 2);
            } else if (t.dtype() == DType.F32) {
                for (long i = 0; i < m; i++) {
                    stagingView.setAtIndex(I16, i, toBf16(src.getAtIndex(F32, e0 + i)));
                }
            } else {
                for (long i = 0; i < m; i++) {
                    stagingView.setAtIndex(I16, i, toBf16(Float.float16ToFloat(src.getAtIndex(I16, e0 + i))));
                }
            }
            Gpu.check(org.bytedeco.cuda.global.cudart.cudaMemcpy(Gpu.at(dst + e0 * 2), Gpu.at(staging), m * 2,
                    org.bytedeco.cuda.global.cudart.cudaMemcpyHostToDevice), "upload " + t.name());
        }
    }

    private long vector(TensorView t) {
        checkFloat(t);
        return floats(t.toFloatArray(), t.name());
    }

    private long floats(float[] v, String what) {
        long bytes = 4L * v.length;
        long a = alloc(bytes, what);
        for (long off = 0; off < bytes; off += STAGING_BYTES) {
            long m = Math.min(STAGING_BYTES, bytes - off);
            MemorySegment.copy(MemorySegment.ofArray(v), off, stagingView, 0, m);
            Gpu.check(org.bytedeco.cuda.global.cudart.cudaMemcpy(Gpu.at(a + off), Gpu.at(staging), m,
                    org.bytedeco.cuda.global.cudart.cudaMemcpyHostToDevice), "upload " + what);
        }
        return a;
    }

    /** float32 to bfloat16, round to nearest even (NaN stays NaN). */
    static short toBf16(float f) {
        int u = Float.floatToRawIntBits(f);
        if ((u & 0x7fffffff) > 0x7f800000) {
            return (short) ((u >>> 16) | 0x40);
        }
        u += 0x7fff + ((u >>> 16) & 1);
        return (short) (u >>> 16);
    }

    static float fromBf16(short b) {
        return Float.intBitsToFloat((b & 0xffff) << 16);
    }

    /** Inverse frequencies as transformers computes them (float32), with linear or llama3 scaling. */
    static float[] inverseFrequencies(int headDim, double theta, RopeScaling scaling) {
        return scaling.inverseFrequencies(headDim, theta);
    }

    /** {cos, sin}, each {@code [maxPositions, headDim / 2]}: angle {@code float(invFreq[i] * p)}. */
    static float[][] ropeTables(int headDim, double theta, RopeScaling scaling, int maxPositions) {
        if (headDim % 2 != 0) {
            throw new ModelFormatException("head_dim must be even for RoPE, was " + headDim);
        }
        float[] inv = inverseFrequencies(headDim, theta, scaling);
        int half = headDim / 2;
        float[] cos = new float[maxPositions * half];
        float[] sin = new float[maxPositions * half];
        for (int p = 0; p < maxPositions; p++) {
            for (int i = 0; i < half; i++) {
                float angle = inv[i] * (float) p;
                cos[p * half + i] = (float) StrictMath.cos(angle);
                sin[p * half + i] = (float) StrictMath.sin(angle);
            }
        }
        return new float[][] {cos, sin};
    }

    @Override
    public void close() {
        for (long a : allocations) {
            Gpu.free(a);
        }
        allocations.clear();
    }
}
