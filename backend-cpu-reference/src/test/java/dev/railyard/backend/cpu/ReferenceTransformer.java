package dev.railyard.backend.cpu;

import dev.railyard.spi.model.LoadedModel;
import dev.railyard.spi.model.ModelConfig;
import dev.railyard.spi.model.RopeScaling;
import dev.railyard.spi.model.TensorView;
import java.util.Optional;

/**
 * An independent Llama forward pass in float64: plain loops, one contiguous sequence, no
 * paging, no vectors, no batching; the straightforward transcription of transformers'
 * LlamaForCausalLM / Qwen2ForCausalLM. Only for small models: it copies every weight to doubles.
 */
final class ReferenceTransformer {

    private final ModelConfig c;
    private final double[][] embed;
    private final double[][] head;
    private final double[] finalNorm;
    private final Layer[] layers;
    private final double[] invFreq;

    private record Layer(double[] inNorm, double[][] q, double[] qb, double[][] k, double[] kb, double[][] v,
                         double[] vb, double[][] o, double[] ob, double[] postNorm, double[][] gate, double[] gb,
                         double[][] up, double[] ub, double[][] down, double[] db) {
    }

    ReferenceTransformer(LoadedModel model) {
        this.c = model.config();
        var w = model.weights();
        embed = matrix(w.find("model.embed_tokens.weight").orElseThrow());
        head = c.tieWordEmbeddings() ? embed : matrix(w.find("lm_head.weight").orElseThrow());
        finalNorm = vector(w.find("model.norm.weight"));
        layers = new Layer[c.numLayers()];
        for (int l = 0; l < c.numLayers(); l++) {
            String p = "model.layers." + l + ".";
            layers[l] = new Layer(
                    vector(w.find(p + "input_layernorm.weight")),
                    matrix(w.find(p + "self_attn.q_proj.weight").orElseThrow()), vector(w.find(p + "self_attn.q_proj.bias")),
                    matrix(w.find(p + "self_attn.k_proj.weight").orElseThrow()), vector(w.find(p + "self_attn.k_proj.bias")),
                    matrix(w.find(p + "self_attn.v_proj.weight").orElseThrow()), vector(w.find(p + "self_attn.v_proj.bias")),
                    matrix(w.find(p + "self_attn.o_proj.weight").orElseThrow()), vector(w.find(p + "self_attn.o_proj.bias")),
                    vector(w.find(p + "post_attention_layernorm.weight")),
                    matrix(w.find(p + "mlp.gate_proj.weight").orElseThrow()), vector(w.find(p + "mlp.gate_proj.bias")),
                    matrix(w.find(p + "mlp.up_proj.weight").orElseThrow()), vector(w.find(p + "mlp.up_proj.bias")),
                    matrix(w.find(p + "mlp.down_proj.weight").orElseThrow()), vector(w.find(p + "mlp.down_proj.bias")));
        }
        invFreq = inverseFrequencies(c.headDim(), c.ropeTheta(), c.ropeScaling());
    }

    /** transformers' default / linear / llama3 RoPE initialisation, in double. */
    static double[] inverseFrequencies(int dim, double base, RopeScaling s) {
        double[] inv = new double[dim / 2];
        for (int i = 0; i < dim / 2; i++) {
            inv[i] = 1.0 / Math.pow(base, (2.0 * i) / dim);
        }
        if (s.type().equals("linear")) {
            for (int i = 0; i < inv.length; i++) {
                inv[i] /= s.factor();
            }
        } else if (s.type().equals("llama3")) {
            double lowWavelen = s.originalMaxPositionEmbeddings() / s.lowFreqFactor();
            double highWavelen = s.originalMaxPositionEmbeddings() / s.highFreqFactor();
            for (int i = 0; i < inv.length; i++) {
                double wavelen = 2 * Math.PI / inv[i];
                if (wavelen < highWavelen) {
                    continue; // high frequency: unchanged
                }
                if (wavelen > lowWavelen) {
                    inv[i] = inv[i] / s.factor(); // low frequency: divided by the factor
                } else {
                    double smooth = (s.originalMaxPositionEmbeddings() / wavelen - s.lowFreqFactor())
                            / (s.highFreqFactor() - s.lowFreqFactor());
                    inv[i] = (1 - smooth) * inv[i] / s.factor() + smooth * inv[i];
                }
            }
        }
        return inv;
    }

    /** Logits at every position of {@code tokens} (one sequence from position 0). */
    double[][] forward(int[] tokens) {
        int n = tokens.length;
        int hd = c.headDim();
        double[][] x = new double[n][];
        for (int t = 0; t < n; t++) {
            x[t] = embed[tokens[t]].clone();
        }
        for (Layer l : layers) {
            double[][] q = new double[n][];
            double[][] k = new double[n][];
            double[][] v = new double[n][];
            for (int t = 0; t < n; t++) {
                double[] h = rmsNorm(x[t], l.inNorm);
                q[t] = linear(l.q, l.qb, h);
                k[t] = linear(l.k, l.kb, h);
                v[t] = linear(l.v, l.vb, h);
                rope(q[t], c.numAttentionHeads(), t);
                rope(k[t], c.numKeyValueHeads(), t);
            }
            for (int t = 0; t < n; t++) {
                double[] attn = new double[c.queryDim()];
                for (int h = 0; h < c.numAttentionHeads(); h++) {
                    int g = h / c.queriesPerKeyValueHead();
                    double[] s = new double[t + 1];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j <= t; j++) {
                        double dot = 0;
                        for (int d = 0; d < hd; d++) {
                            dot += q[t][h * hd + d] * k[j][g * hd + d];
                        }
                        s[j] = dot / Math.sqrt(hd);
                        max = Math.max(max, s[j]);
                    }
                    double sum = 0;
                    for (int j = 0; j <= t; j++) {
                        s[j] = Math.exp(s[j] - max);
                        sum += s[j];
                    }
                    for (int j = 0; j <= t; j++) {
                        for (int d = 0; d < hd; d++) {
                            attn[h * hd + d] += s[j] / sum * v[j][g * hd + d];
                        }
                    }
                }
                double[] o = linear(l.o, l.ob, attn);
                for (int i = 0; i < o.length; i++) {
                    x[t][i] += o[i];
                }
            }
            for (int t = 0; t < n; t++) {
                double[] h = rmsNorm(x[t], l.postNorm);
                double[] g = linear(l.gate, l.gb, h);
                double[] u = linear(l.up, l.ub, h);
                for (int i = 0; i < g.length; i++) {
                    g[i] = g[i] / (1 + Math.exp(-g[i])) * u[i];
                }
                double[] d = linear(l.down, l.db, g);
                for (int i = 0; i < d.length; i++) {
                    x[t][i] += d[i];
                }
            }
        }
        double[][] logits = new double[n][];
        for (int t = 0; t < n; t++) {
            logits[t] = linear(head, null, rmsNorm(x[t], finalNorm));
        }
        return logits;
    }

    private void rope(double[] v, int heads, int pos) {
        int hd = c.headDim();
        int half = hd / 2;
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < half; i++) {
                double angle = pos * invFreq[i];
                double a = v[h * hd + i];
                double b = v[h * hd + i + half];
                v[h * hd + i] = a * Math.cos(angle) - b * Math.sin(angle);
                v[h * hd + i + half] = b * Math.cos(angle) + a * Math.sin(angle);
            }
        }
    }

    private double[] rmsNorm(double[] x, double[] w) {
        double ss = 0;
        for (double v : x) {
            ss += v * v;
        }
        double r = 1 / Math.sqrt(ss / x.length + c.rmsNormEps());
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = w[i] * (x[i] * r);
        }
        return y;
    }

    private static double[] linear(double[][] w, double[] b, double[] x) {
        double[] y = new double[w.length];
        for (int n = 0; n < w.length; n++) {
            double s = 0;
            for (int k = 0; k < x.length; k++) {
                s += w[n][k] * x[k];
            }
            y[n] = b == null ? s : s + b[n];
        }
        return y;
    }

    private static double[][] matrix(TensorView t) {
        int rows = (int) t.dim(0);
        int cols = (int) t.dim(1);
        double[][] m = new double[rows][cols];
        for (int r = 0; r < rows; r++) {
            for (int k = 0; k < cols; k++) {
                m[r][k] = t.getFloat((long) r * cols + k);
            }
        }
        return m;
    }

    private static double[] vector(Optional<TensorView> t) {
        if (t.isEmpty()) {
            return null;
        }
        double[] v = new double[(int) t.get().numElements()];
        for (int i = 0; i < v.length; i++) {
            v[i] = t.get().getFloat(i);
        }
        return v;
    }

    /** ||a - b|| / ||b||. */
    static double relativeL2(float[] a, double[] b) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < b.length; i++) {
            double d = a[i] - b[i];
            num += d * d;
            den += b[i] * b[i];
        }
        return Math.sqrt(num / den);
    }
}
