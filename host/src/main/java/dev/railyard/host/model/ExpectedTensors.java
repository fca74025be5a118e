package dev.railyard.host.model;

import dev.railyard.spi.model.ModelConfig;
import dev.railyard.spi.model.ModelFormatException;
import dev.railyard.spi.model.ModelWeights;
import dev.railyard.spi.model.TensorView;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The tensors a Llama-family model must have, with the shapes its {@link ModelConfig} implies, in
 * canonical order (embedding, layer by layer, final norm, output head).
 */
public final class ExpectedTensors {

    private ExpectedTensors() {
    }

    /** Every expected tensor name mapped to its shape, in canonical order. */
    public static Map<String, long[]> of(ModelConfig c) {
        long hidden = c.hiddenSize();
        long inter = c.intermediateSize();
        long q = c.queryDim();
        long kv = c.keyValueDim();
        Map<String, long[]> m = new LinkedHashMap<>();
        m.put(LlamaTensorNames.embed(), new long[] {c.vocabSize(), hidden});
        for (int i = 0; i < c.numLayers(); i++) {
            LlamaTensorNames.Layer l = LlamaTensorNames.layer(i);
            m.put(l.inputNorm(), new long[] {hidden});
            m.put(l.qProj(), new long[] {q, hidden});
            m.put(l.kProj(), new long[] {kv, hidden});
            m.put(l.vProj(), new long[] {kv, hidden});
            if (c.qkvBias()) {
                m.put(l.qBias(), new long[] {q});
                m.put(l.kBias(), new long[] {kv});
                m.put(l.vBias(), new long[] {kv});
            }
            m.put(l.oProj(), new long[] {hidden, q});
            if (c.outputProjectionBias()) {
                m.put(l.oBias(), new long[] {hidden});
            }
            m.put(l.postAttentionNorm(), new long[] {hidden});
            m.put(l.gateProj(), new long[] {inter, hidden});
            m.put(l.upProj(), new long[] {inter, hidden});
            m.put(l.downProj(), new long[] {hidden, inter});
            if (c.mlpBias()) {
                m.put(l.gateBias(), new long[] {inter});
                m.put(l.upBias(), new long[] {inter});
                m.put(l.downBias(), new long[] {hidden});
            }
        }
        m.put(LlamaTensorNames.finalNorm(), new long[] {hidden});
        if (!c.tieWordEmbeddings()) {
            m.put(LlamaTensorNames.lmHead(), new long[] {c.vocabSize(), hidden});
        }
        return Collections.unmodifiableMap(m);
    }

    /**
     * Checks that {@code weights} holds every expected tensor with its expected shape and a
     * floating-point dtype.
     *
     * @param where the checkpoint, named in the message
     * @throws ModelFormatException listing every problem, one per line ({@code "missing tensor X
     *     (expected shape [..])"}, {@code "tensor X has shape [..], expected [..]"})
     */
    public static void validate(ModelConfig c, ModelWeights weights, String where) {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, long[]> e : of(c).entrySet()) {
            String name = e.getKey();
            long[] expected = e.getValue();
            Optional<TensorView> t = weights.find(name);
            if (t.isEmpty()) {
                problems.add("missing tensor " + name + " (expected shape " + Arrays.toString(expected) + ")");
            } else if (!t.get().hasShape(expected)) {
                problems.add("tensor " + name + " has shape " + Arrays.toString(t.get().shape()) + ", expected "
                        + Arrays.toString(expected));
            } else if (!t.get().dtype().isFloatingWeightType()) {
                problems.add("tensor " + name + " has dtype " + t.get().dtype() + ", expected F32, F16 or BF16");
            }
        }
        if (problems.size() == 1) {
            throw new ModelFormatException(problems.get(0) + " in " + where);
        }
        if (!problems.isEmpty()) {
            int shown = Math.min(problems.size(), 20);
            StringBuilder sb = new StringBuilder(where + " has " + problems.size() + " tensor problems ("
                    + c.architecture() + " with the sizes of its config.json):");
            for (int i = 0; i < shown; i++) {
                sb.append("\n  ").append(problems.get(i));
            }
            if (shown < problems.size()) {
                sb.append("\n  ... and ").append(problems.size() - shown).append(" more");
            }
            throw new ModelFormatException(sb.toString());
        }
    }
}
