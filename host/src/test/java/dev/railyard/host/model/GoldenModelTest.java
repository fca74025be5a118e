package dev.railyard.host.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.railyard.spi.model.DType;
import dev.railyard.spi.model.LoadedModel;
import dev.railyard.spi.model.ModelConfig;
import dev.railyard.spi.model.ModelWeights;
import dev.railyard.spi.model.RopeScaling;
import dev.railyard.spi.model.TensorView;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Loads the golden model that Hugging Face transformers wrote (see golden/README.md). */
class GoldenModelTest {

    @Test
    void configMatchesTheReadme() {
        List<String> progress = new ArrayList<>();
        LoadedModel m = ModelLoader.load(Fixtures.golden(), progress::add);
        try (ModelWeights w = m.weights()) {
            ModelConfig c = m.config();
            assertThat(m.name()).isEqualTo("llama-gqa");
            assertThat(c.architecture()).isEqualTo("LlamaForCausalLM");
            assertThat(c.vocabSize()).isEqualTo(384);
            assertThat(c.hiddenSize()).isEqualTo(128);
            assertThat(c.numLayers()).isEqualTo(3);
            assertThat(c.numAttentionHeads()).isEqualTo(8);
            assertThat(c.numKeyValueHeads()).isEqualTo(2);
            assertThat(c.headDim()).isEqualTo(16);
            assertThat(c.intermediateSize()).isEqualTo(352);
            assertThat(c.rmsNormEps()).isEqualTo(1e-5);
            assertThat(c.ropeTheta()).isEqualTo(10000.0);
            assertThat(c.ropeScaling()).isEqualTo(RopeScaling.NONE);
            assertThat(c.maxPositionEmbeddings()).isEqualTo(1024);
            assertThat(c.tieWordEmbeddings()).isFalse();
            assertThat(c.qkvBias() || c.outputProjectionBias() || c.mlpBias()).isFalse();
            assertThat(c.bosTokenId()).isEqualTo(1);
            assertThat(c.eosTokenIds()).containsExactly(2);
            assertThat(c.storedDType()).isEqualTo(DType.F32);
            assertThat(progress).last().asString().startsWith("loaded llama-gqa: 30 tensors");
            assertThat(w.names()).hasSize(30);
        }
    }

    @Test
    void tensorsHaveTheExpectedShapesAndReadableValues() {
        LoadedModel m = ModelLoader.load(Fixtures.golden());
        try (ModelWeights w = m.weights()) {
            assertThat(w.names()).hasSize(2 + 3 * 9 + 1);
            assertThat(w.require(LlamaTensorNames.embed(), 384, 128).dtype()).isEqualTo(DType.F32);
            assertThat(w.require(LlamaTensorNames.lmHead(), 384, 128)).isNotNull();
            assertThat(w.require(LlamaTensorNames.layer(1).qProj(), 128, 128)).isNotNull();
            assertThat(w.require(LlamaTensorNames.layer(1).kProj(), 32, 128)).isNotNull();
            assertThat(w.require(LlamaTensorNames.layer(1).oProj(), 128, 128)).isNotNull();
            assertThat(w.require(LlamaTensorNames.layer(2).gateProj(), 352, 128)).isNotNull();
            assertThat(w.require(LlamaTensorNames.layer(2).downProj(), 128, 352)).isNotNull();
            assertThat(w.require(LlamaTensorNames.finalNorm(), 128)).isNotNull();

            // values read with Python's struct module from the file itself
            TensorView embed = w.find(LlamaTensorNames.embed()).orElseThrow();
            assertThat(embed.getFloat(0)).isEqualTo(-0.015340381301939487f);
            assertThat(embed.getFloat(384 * 128 - 1)).isEqualTo(0.02465386502444744f);
            assertThat(w.find(LlamaTensorNames.lmHead()).orElseThrow().getFloat(5)).isEqualTo(-0.023149996995925903f);
            assertThat(w.find(LlamaTensorNames.layer(2).vProj()).orElseThrow().getFloat(32 * 128 - 1))
                    .isEqualTo(-0.07277237623929977f);
            float[] norm = w.find(LlamaTensorNames.finalNorm()).orElseThrow().toFloatArray();
            assertThat(norm[0]).isEqualTo(1.1009117364883423f);
            assertThat(w.totalBytes()).isEqualTo(2513496 - 8 - 3152);
        }
    }

    @Test
    void tensorsAreReadOnlySlicesOfTheMappingAndDieWithTheArena() {
        LoadedModel m = ModelLoader.load(Fixtures.golden());
        MappedModelWeights w = (MappedModelWeights) m.weights();
        TensorView norm = w.find(LlamaTensorNames.finalNorm()).orElseThrow();
        assertThat(norm.data().isReadOnly()).isTrue();
        assertThat(norm.data().isMapped()).isTrue();
        assertThat(norm.getFloat(0)).isCloseTo(1.1f, within(0.01f));
        w.close();
        w.close(); // idempotent
        assertThat(w.isClosed()).isTrue();
        assertThatThrownBy(() -> norm.getFloat(0)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void expectedTensorNamesAreExactlyTheOnesTransformersWrote() {
        LoadedModel m = ModelLoader.load(Fixtures.golden());
        try (ModelWeights w = m.weights()) {
            assertThat(ExpectedTensors.of(m.config()).keySet()).containsExactlyInAnyOrderElementsOf(w.names());
        }
    }
}
