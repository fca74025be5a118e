package dev.railyard.host.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.railyard.spi.model.DType;
import dev.railyard.spi.model.ModelConfig;
import dev.railyard.spi.model.ModelFormatException;
import dev.railyard.spi.model.RopeScaling;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HfConfigReaderTest {

    @TempDir
    Path tmp;

    private ModelConfig read(ObjectNode config) {
        Fixtures.write(tmp, "config.json", config);
        return HfConfigReader.read(tmp);
    }

    @Test
    void readsLlama31InTransformers4Dialect() {
        ModelConfig c = HfConfigReader.read(Fixtures.resourceDir("model/llama31-8b-v4"));
        assertThat(c.architecture()).isEqualTo("LlamaForCausalLM");
        assertThat(c.modelType()).isEqualTo("llama");
        assertThat(c.vocabSize()).isEqualTo(128256);
        assertThat(c.hiddenSize()).isEqualTo(4096);
        assertThat(c.intermediateSize()).isEqualTo(14336);
        assertThat(c.numLayers()).isEqualTo(32);
        assertThat(c.numAttentionHeads()).isEqualTo(32);
        assertThat(c.numKeyValueHeads()).isEqualTo(8);
        assertThat(c.headDim()).as("no head_dim: hidden / heads").isEqualTo(128);
        assertThat(c.rmsNormEps()).isEqualTo(1e-5);
        assertThat(c.ropeTheta()).isEqualTo(500000.0);
        assertThat(c.ropeScaling()).isEqualTo(new RopeScaling("llama3", 8.0, 1.0, 4.0, 8192));
        assertThat(c.maxPositionEmbeddings()).isEqualTo(131072);
        assertThat(c.tieWordEmbeddings()).isFalse();
        assertThat(c.qkvBias()).isFalse();
        assertThat(c.outputProjectionBias()).isFalse();
        assertThat(c.mlpBias()).isFalse();
        assertThat(c.bosTokenId()).isEqualTo(128000);
        assertThat(c.eosTokenIds()).containsExactly(128001, 128008, 128009);
        assertThat(c.storedDType()).isEqualTo(DType.BF16);
    }

    @Test
    void readsLlama32InTransformers5Dialect() {
        ModelConfig c = HfConfigReader.read(Fixtures.resourceDir("model/llama32-1b-v5"));
        assertThat(c.headDim()).isEqualTo(64);
        assertThat(c.ropeTheta()).isEqualTo(500000.0);
        assertThat(c.ropeScaling()).isEqualTo(new RopeScaling("llama3", 32.0, 1.0, 4.0, 8192));
        assertThat(c.storedDType()).as("5.x 'dtype'").isEqualTo(DType.BF16);
        assertThat(c.tieWordEmbeddings()).isTrue();
        assertThat(c.eosTokenIds()).as("generation config first, then config's").containsExactly(128001, 128008, 128009);
    }

    @Test
    void readsDefaultRopeParametersOf5xDialect() {
        ModelConfig c = HfConfigReader.read(Fixtures.resourceDir("model/smollm2-v5"));
        assertThat(c.ropeTheta()).isEqualTo(100000.0);
        assertThat(c.ropeScaling()).isEqualTo(RopeScaling.NONE);
        assertThat(c.numKeyValueHeads()).isEqualTo(3);
        assertThat(c.bosTokenId()).isEqualTo(1);
        assertThat(c.eosTokenIds()).containsExactly(2);
    }

    @Test
    void qwen2HasQkvBiasesAndReadsBothEosLists() {
        ModelConfig c = HfConfigReader.read(Fixtures.resourceDir("model/qwen25-05b-v4"));
        assertThat(c.architecture()).isEqualTo("Qwen2ForCausalLM");
        assertThat(c.modelType()).isEqualTo("qwen2");
        assertThat(c.qkvBias()).isTrue();
        assertThat(c.outputProjectionBias()).isFalse();
        assertThat(c.mlpBias()).isFalse();
        assertThat(c.tieWordEmbeddings()).isTrue();
        assertThat(c.headDim()).isEqualTo(64);
        assertThat(c.rmsNormEps()).isEqualTo(1e-6);
        assertThat(c.ropeTheta()).isEqualTo(1e6);
        assertThat(c.bosTokenId()).isEqualTo(151643);
        assertThat(c.eosTokenIds()).containsExactly(151645, 151643);
    }

    @Test
    void mistralHasNoBiasesAndItsSlidingWindowIsNoted() {
        List<String> notes = new ArrayList<>();
        ModelConfig c = HfConfigReader.read(Fixtures.resourceDir("model/mistral-7b-v4"), notes::add).model();
        assertThat(c.architecture()).isEqualTo("MistralForCausalLM");
        assertThat(c.qkvBias() || c.outputProjectionBias() || c.mlpBias()).isFalse();
        assertThat(c.headDim()).isEqualTo(128);
        assertThat(notes).anySatisfy(n -> assertThat(n).contains("sliding_window 4096"));
    }

    @Test
    void llamaAttentionBiasGivesQkvAndOutputBiasesAndMlpBiasIsRead() {
        ObjectNode n = Fixtures.llamaConfig();
        n.put("attention_bias", true);
        n.put("mlp_bias", true);
        ModelConfig c = read(n);
        assertThat(c.qkvBias()).isTrue();
        assertThat(c.outputProjectionBias()).isTrue();
        assertThat(c.mlpBias()).isTrue();
    }

    @Test
    void headDimAbsentOrNullIsHiddenOverHeadsAndPresentIsUsed() {
        ObjectNode n = Fixtures.llamaConfig();
        assertThat(read(n).headDim()).isEqualTo(4);
        n.putNull("head_dim");
        assertThat(read(n).headDim()).isEqualTo(4);
        n.put("head_dim", 8);
        assertThat(read(n).headDim()).isEqualTo(8);
        assertThat(read(n).queryDim()).isEqualTo(32);
    }

    @Test
    void missingKeyValueHeadsMeansMultiHeadAttention() {
        ObjectNode n = Fixtures.llamaConfig();
        n.remove("num_key_value_heads");
        assertThat(read(n).numKeyValueHeads()).isEqualTo(4);
    }

    @Test
    void ropeScalingTypeMayBeUnderTypeOrRopeType() {
        ObjectNode n = Fixtures.llamaConfig();
        n.putObject("rope_scaling").put("type", "linear").put("factor", 2.0);
        assertThat(read(n).ropeScaling()).isEqualTo(new RopeScaling("linear", 2.0, 0, 0, 0));
        n.putObject("rope_scaling").put("rope_type", "linear").put("factor", 4.0);
        assertThat(read(n).ropeScaling()).isEqualTo(new RopeScaling("linear", 4.0, 0, 0, 0));
        n.putObject("rope_scaling").put("rope_type", "default");
        assertThat(read(n).ropeScaling()).isEqualTo(RopeScaling.NONE);
    }

    @Test
    void ropeParametersWinOverTopLevelAndThetaFallsBack() {
        ObjectNode n = Fixtures.llamaConfig();
        n.remove("rope_scaling");
        n.put("rope_theta", 1234.0);
        n.putObject("rope_parameters").put("rope_type", "linear").put("factor", 3.0);
        ModelConfig c = read(n);
        assertThat(c.ropeTheta()).as("from top level when rope_parameters lacks it").isEqualTo(1234.0);
        assertThat(c.ropeScaling().type()).isEqualTo("linear");
        n.remove("rope_theta");
        n.remove("rope_parameters");
        assertThat(read(n).ropeTheta()).isEqualTo(10000.0);
    }

    @Test
    void unsupportedRopeTypeIsAClearError() {
        ObjectNode n = Fixtures.llamaConfig();
        n.putObject("rope_scaling").put("rope_type", "yarn").put("factor", 4.0);
        assertThatThrownBy(() -> read(n)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("unsupported RoPE type 'yarn'")
                .hasMessageContaining(tmp.resolve("config.json").toString())
                .hasMessageContaining("supported: default, linear, llama3");
        n.remove("rope_scaling");
        n.putObject("rope_parameters").put("rope_theta", 1e4).put("rope_type", "dynamic");
        assertThatThrownBy(() -> read(n)).hasMessageContaining("unsupported RoPE type 'dynamic'");
    }

    @Test
    void llama3RopeNeedsAllItsFields() {
        ObjectNode n = Fixtures.llamaConfig();
        n.putObject("rope_scaling").put("rope_type", "llama3").put("factor", 8.0).put("high_freq_factor", 4.0)
                .put("original_max_position_embeddings", 8192);
        assertThatThrownBy(() -> read(n)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("'llama3'").hasMessageContaining("'low_freq_factor'");
    }

    @Test
    void unsupportedArchitectureIsNamedWithTheSupportedOnes() {
        ObjectNode n = Fixtures.llamaConfig();
        n.putArray("architectures").add("GPT2LMHeadModel");
        n.put("model_type", "gpt2");
        assertThatThrownBy(() -> read(n)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("unsupported architecture 'GPT2LMHeadModel'")
                .hasMessageContaining("LlamaForCausalLM, MistralForCausalLM, Qwen2ForCausalLM");
    }

    @Test
    void eosIdsAreTheUnionWithTheGenerationConfigFirstAndItsBosWins() {
        ObjectNode n = Fixtures.llamaConfig();
        n.putArray("eos_token_id").add(2).add(5);
        Fixtures.write(tmp, "generation_config.json", "{\"bos_token_id\": 9, \"eos_token_id\": [7, 2]}");
        ModelConfig c = read(n);
        assertThat(c.eosTokenIds()).containsExactly(7, 2, 5);
        assertThat(c.bosTokenId()).isEqualTo(9);
    }

    @Test
    void absentTokenIdsGiveMinusOneAndEmpty() {
        ObjectNode n = Fixtures.llamaConfig();
        n.putNull("bos_token_id");
        n.remove("eos_token_id");
        ModelConfig c = read(n);
        assertThat(c.bosTokenId()).isEqualTo(-1);
        assertThat(c.eosTokenIds()).isEmpty();
    }

    @Test
    void dtypeComesFromTorchDtypeOrDtype() {
        ObjectNode n = Fixtures.llamaConfig();
        n.put("torch_dtype", "float16");
        assertThat(read(n).storedDType()).isEqualTo(DType.F16);
        n.remove("torch_dtype");
        n.put("dtype", "bfloat16");
        assertThat(read(n).storedDType()).isEqualTo(DType.BF16);
    }

    @Test
    void missingConfigNamesThePath() {
        assertThatThrownBy(() -> HfConfigReader.read(tmp)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("missing config.json")
                .hasMessageContaining(tmp.resolve("config.json").toString());
    }

    @Test
    void missingRequiredFieldIsNamed() {
        ObjectNode n = Fixtures.llamaConfig();
        n.remove("hidden_size");
        assertThatThrownBy(() -> read(n)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("missing required field 'hidden_size'");
    }

    @Test
    void wrongFieldTypeIsNamed() {
        ObjectNode n = Fixtures.llamaConfig();
        n.put("num_hidden_layers", "two");
        assertThatThrownBy(() -> read(n)).hasMessageContaining("'num_hidden_layers'")
                .hasMessageContaining("must be an integer");
    }

    @Test
    void configThatIsNotJsonIsAClearError() {
        Fixtures.write(tmp, "config.json", "{ not json");
        assertThatThrownBy(() -> HfConfigReader.read(tmp)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("config.json is not valid JSON");
    }

    @Test
    void unsupportedActivationIsRejected() {
        ObjectNode n = Fixtures.llamaConfig();
        n.put("hidden_act", "gelu");
        assertThatThrownBy(() -> read(n)).hasMessageContaining("unsupported hidden_act 'gelu'");
    }
}
