package dev.railyard.backend.cuda;

import dev.railyard.spi.model.LoadedModel;
import dev.railyard.spi.model.ModelConfig;
import dev.railyard.spi.model.ModelWeights;
import dev.railyard.spi.model.TensorView;

/**
 * A deliberately plain forward pass in double precision (no paging, no batching), used as the
 * independent reference of the GPU checks: RMSNorm, rotate-half RoPE (with the backend's
 * frequency tables), GQA attention, SwiGLU, optional biases, tied head.
 */
final class ReferenceModel {

    private final ModelConfig c;
    private final float[] embed;
    private final float[] lmHead;
    private final float[] finalNorm;
    private final Layer[] layers;
    private final float[] invFreq;

    private record Layer(float[] inNorm, float[] postNorm, float[] wq, float[] wk, float[] wv, float[] wo, float[] wg,
                         float[] wu, float[] wd, float[] bq, float[] bk, float[] bv, float[] bo, float[] bg, float[] bu,
                         float[] bd) {
    }

    ReferenceModel(LoadedModel m) {
        c = m.config();
        ModelWeights w = m.weights();
        embed = w.find("model.embed_tokens.weight").orElseThrow().toFloatArray();
        lmHead = c.tieWordEmbeddings() ? embed : w.find("lm_head.weight").orElseThrow().toFloatArray();
        finalNorm = w.find("model.norm.weight").orElseThrow().toFloatArray();
        layers = new Layer[c.numLayers()];
        for (int l = 0; l < c.numLayers(); l++) {
            String p = "model.layers." + l + ".";
            layers[l] = new Layer(f(w, p + "input_layernorm.weight"), f(w, p + "post_attention_layernorm.weight"),
                    f(w, p + "self_attn.q_proj.weight"), f(w, p + "self_attn.k_proj.weight"), f(w, p + "self_attn.v_proj.weight"),
                    f(w, p + "self_attn.o_proj.weight"), f(w, p + "mlp.gate_proj.weight"), f(w, p + "mlp.up_proj.weight"),
                    f(w, p + "mlp.down_proj.weight"),
                    c.qkvBias() ? f(w, p + "self_attn.q_proj.bias") : null, c.qkvBias() ? f(w, p + "self_attn.k_proj.bias") : null,
                    c.qkvBias() ? f(w, p + "self_attn.v_proj.bias") : null,
                    c.outputProjectionBias() ? f(w, p + "self_attn.o_proj.bias") : null,
                    c.mlpBias() ? f(w, p + "mlp.gate_proj.bias") : null, c.mlpBias() ? f(w, p + "mlp.up_proj.bias") : null,
                    c.mlpBias() ? f(w, p + "mlp.down_proj.bias") : null);
        }
        invFreq = DeviceWeights.inverseFrequencies(c.headDim(), c.ropeTheta(), c.ropeScaling());
    }

    private static float[] f(ModelWeights w, String name) {
        TensorView t = w.find(name).orElseThrow(() -> new IllegalArgumentException("missing " + name));
        return t.toFloatArray();
    }

    /** Logits at every position of {@code tokens} (one sequence from position 0), {@code [n][vocab]}. */
    double[][] logitsAll(int[] tokens) {
        int n = tokens.length;
        int h = c.hiddenSize();
        int hd = c.headDim();
        int nh = c.numAttentionHeads();
        int nkv = c.numKeyValueHeads();
        int gq = nh / nkv;
        int inter = c.intermediateSize();
        double[][] x = new double[n][h];
        for (int t = 0; t < n; t++) {
            for (int i = 0; i < h; i++) {
                x[t][i] = embed[tokens[t] * h + i];
            }
        }
        for (Layer L : layers) {
            double[][] q = new double[n][];
            double[][] k = new double[n][];
            double[][] v = new double[n][];
            for (int t = 0; t < n; t++) {
                double[] xn = rms(x[t], L.inNorm);
                q[t] = lin(L.wq, L.bq, xn, nh * hd);
                k[t] = lin(L.wk, L.bk, xn, nkv * hd);
                v[t] = lin(L.wv, L.bv, xn, nkv * hd);
                rope(q[t], nh, t);
                rope(k[t], nkv, t);
            }
            for (int t = 0; t < n; t++) {
                double[] att = new double[nh * hd];
                for (int hh = 0; hh < nh; hh++) {
                    int kh = hh / gq;
                    double[] s = new double[t + 1];
                    double mx = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j <= t; j++) {
                        double d = 0;
                        for (int e = 0; e < hd; e++) {
                            d += q[t][hh * hd + e] * k[j][kh * hd + e];
                        }
                        s[j] = d / Math.sqrt(hd);
                        mx = Math.max(mx, s[j]);
                    }
                    double sum = 0;
                    for (int j = 0; j <= t; j++) {
                        s[j] = Math.exp(s[j] - mx);
                        sum += s[j];
                    }
                    for (int j = 0; j <= t; j++) {
                        for (int e = 0; e < hd; e++) {
                            att[hh * hd + e] += s[j] / sum * v[j][kh * hd + e];
                        }
                    }
                }
                double[] o = lin(L.wo, L.bo, att, h);
                for (int i = 0; i < h; i++) {
                    x[t][i] += o[i];
                }
                double[] xn = rms(x[t], L.postNorm);
                double[] g = lin(L.wg, L.bg, xn, inter);
                double[] u = lin(L.wu, L.bu, xn, inter);
                double[] a = new double[inter];
                for (int i = 0; i < inter; i++) {
                    a[i] = g[i] / (1 + Math.exp(-g[i])) * u[i];
                }
                double[] d = lin(L.wd, L.bd, a, h);
                for (int i = 0; i < h; i++) {
                    x[t][i] += d[i];
                }
            }
        }
        double[][] out = new double[n][];
        for (int t = 0; t < n; t++) {
            out[t] = lin(lmHead, null, rms(x[t], finalNorm), c.vocabSize());
        }
        return out;
    }

    private double[] rms(double[] x, float[] w) {
        double ss = 0;
        for (double v : x) {
            ss += v * v;
        }
        double inv = 1 / Math.sqrt(ss / x.length + c.rmsNormEps());
        double[] o = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            o[i] = x[i] * inv * w[i];
        }
        return o;
    }

    private static double[] lin(float[] w, float[] b, double[] x, int out) {
        int in = x.length;
        double[] y = new double[out];
        for (int r = 0; r < out; r++) {
            double s = b == null ? 0 : b[r];
            int base = r * in;
            for (int i = 0; i < in; i++) {
                s += w[base + i] * x[i];
            }
            y[r] = s;
        }
        return y;
    }

    private void rope(double[] v, int heads, int pos) {
        int hd = c.headDim();
        int half = hd / 2;
        for (int hh = 0; hh < heads; hh++) {
            for (int i = 0; i < half; i++) {
                double ang = (float) (invFreq[i] * (float) pos);
                double cs = Math.cos(ang);
                double sn = Math.sin(ang);
                double a = v[hh * hd + i];
                double b = v[hh * hd + i + half];
                v[hh * hd + i] = a * cs - b * sn;
                v[hh * hd + i + half] = b * cs + a * sn;
            }
        }
    }

    /** Relative L2 error {@code ||a - ref|| / ||ref||}. */
    static double relL2(float[] a, int aOff, double[] ref) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < ref.length; i++) {
            double d = a[aOff + i] - ref[i];
            if (Double.isNaN(d)) {
                return Double.POSITIVE_INFINITY;
            }
            num += d * d;
            den += ref[i] * ref[i];
        }
        return Math.sqrt(num / Math.max(den, 1e-30));
    }
}
