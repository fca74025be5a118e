package dev.railyard.host.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.railyard.spi.model.ModelConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LlamaTensorNamesTest {

    @Test
    void namesFollowTheSpiConvention() {
        assertThat(LlamaTensorNames.embed()).isEqualTo("model.embed_tokens.weight");
        assertThat(LlamaTensorNames.finalNorm()).isEqualTo("model.norm.weight");
        assertThat(LlamaTensorNames.lmHead()).isEqualTo("lm_head.weight");
        LlamaTensorNames.Layer l = LlamaTensorNames.layer(7);
        assertThat(l.inputNorm()).isEqualTo("model.layers.7.input_layernorm.weight");
        assertThat(l.postAttentionNorm()).isEqualTo("model.layers.7.post_attention_layernorm.weight");
        assertThat(l.qProj()).isEqualTo("model.layers.7.self_attn.q_proj.weight");
        assertThat(l.kProj()).isEqualTo("model.layers.7.self_attn.k_proj.weight");
        assertThat(l.vProj()).isEqualTo("model.layers.7.self_attn.v_proj.weight");
        assertThat(l.oProj()).isEqualTo("model.layers.7.self_attn.o_proj.weight");
        assertThat(l.qBias()).isEqualTo("model.layers.7.self_attn.q_proj.bias");
        assertThat(l.kBias()).isEqualTo("model.layers.7.self_attn.k_proj.bias");
        assertThat(l.vBias()).isEqualTo("model.layers.7.self_attn.v_proj.bias");
        assertThat(l.oBias()).isEqualTo("model.layers.7.self_attn.o_proj.bias");
        assertThat(l.gateProj()).isEqualTo("model.layers.7.mlp.gate_proj.weight");
        assertThat(l.upProj()).isEqualTo("model.layers.7.mlp.up_proj.weight");
        assertThat(l.downProj()).isEqualTo("model.layers.7.mlp.down_proj.weight");
        assertThat(l.gateBias()).isEqualTo("model.layers.7.mlp.gate_proj.bias");
        assertThat(l.upBias()).isEqualTo("model.layers.7.mlp.up_proj.bias");
        assertThat(l.downBias()).isEqualTo("model.layers.7.mlp.down_proj.bias");
        assertThatThrownBy(() -> LlamaTensorNames.layer(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void expectedShapesFollowTheConfig() {
        ModelConfig c = SynthPresets.byName("tiny").withArchitecture("qwen2").withKeyValueHeads(1).model();
        Map<String, long[]> m = ExpectedTensors.of(c);
        LlamaTensorNames.Layer l = LlamaTensorNames.layer(1);
        assertThat(m.get(LlamaTensorNames.embed())).containsExactly(512, 64);
        assertThat(m.get(l.qProj())).containsExactly(64, 64);
        assertThat(m.get(l.kProj())).containsExactly(16, 64);
        assertThat(m.get(l.vProj())).containsExactly(16, 64);
        assertThat(m.get(l.qBias())).containsExactly(64);
        assertThat(m.get(l.kBias())).containsExactly(16);
        assertThat(m.get(l.oProj())).containsExactly(64, 64);
        assertThat(m).doesNotContainKey(l.oBias()).doesNotContainKey(l.gateBias());
        assertThat(m.get(l.gateProj())).containsExactly(128, 64);
        assertThat(m.get(l.downProj())).containsExactly(64, 128);
        assertThat(m.get(LlamaTensorNames.lmHead())).containsExactly(512, 64);
        assertThat(ExpectedTensors.of(SynthPresets.byName("tiny").withTiedEmbeddings(true).withAttentionBias(true)
                .withMlpBias(true).model()))
                .doesNotContainKey(LlamaTensorNames.lmHead())
                .containsKeys(l.oBias(), l.gateBias(), l.upBias(), l.downBias());
        assertThat(m.keySet()).first().isEqualTo(LlamaTensorNames.embed());
    }
}
