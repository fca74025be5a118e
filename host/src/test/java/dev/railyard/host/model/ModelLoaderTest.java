package dev.railyard.host.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.railyard.spi.model.DType;
import dev.railyard.spi.model.LoadedModel;
import dev.railyard.spi.model.ModelConfig;
import dev.railyard.spi.model.ModelFormatException;
import dev.railyard.spi.model.ModelWeights;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelLoaderTest {

    @TempDir
    Path tmp;

    private static final SynthSpec TINY = SynthPresets.byName("tiny").withSeed(11);

    /** Writes config files for {@code spec} and the given tensors as one model.safetensors. */
    private Path checkpoint(SynthSpec spec, List<SafetensorsWriter.Tensor> tensors) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("m"));
        HfConfigWriter.write(dir, spec.model(), spec.dialect());
        SafetensorsWriter.write(dir.resolve("model.safetensors"), tensors);
        return dir;
    }

    private static List<SafetensorsWriter.Tensor> replace(List<SafetensorsWriter.Tensor> tensors, String name,
                                                          long... shape) {
        List<SafetensorsWriter.Tensor> out = new ArrayList<>();
        for (SafetensorsWriter.Tensor t : tensors) {
            out.add(t.name().equals(name) ? new SafetensorsWriter.Tensor(name, t.dtype(), shape, TensorSource.constant(0))
                    : t);
        }
        return out;
    }

    @Test
    void missingDirectory() {
        Path dir = tmp.resolve("absent");
        assertThatThrownBy(() -> ModelLoader.load(dir)).isInstanceOf(ModelFormatException.class)
                .hasMessage("model directory " + dir + " does not exist");
    }

    @Test
    void missingConfigNamesThePath() {
        assertThatThrownBy(() -> ModelLoader.load(tmp)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("missing config.json").hasMessageContaining(tmp.resolve("config.json").toString());
    }

    @Test
    void missingWeightsNameTheDirectory() {
        HfConfigWriter.write(tmp, TINY.model(), TINY.dialect());
        assertThatThrownBy(() -> ModelLoader.load(tmp)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("no *.safetensors file in " + tmp)
                .hasMessageContaining(tmp.resolve("model.safetensors").toString());
    }

    @Test
    void wrongShapeNamesTensorAndBothShapes() throws IOException {
        String k = LlamaTensorNames.layer(1).kProj();
        Path dir = checkpoint(TINY, replace(ModelSynthesizer.tensors(TINY), k, 16, 64));
        assertThatThrownBy(() -> ModelLoader.load(dir)).isInstanceOf(ModelFormatException.class)
                .hasMessage("tensor " + k + " has shape [16, 64], expected [32, 64] in " + dir);
    }

    @Test
    void configThatDoesNotFitTheWeightsListsEveryProblem() throws IOException {
        Path dir = tmp.resolve("m");
        ModelSynthesizer.write(TINY, dir, s -> { });
        HfConfigWriter.write(dir, TINY.withKeyValueHeads(1).model(), TINY.dialect());
        assertThatThrownBy(() -> ModelLoader.load(dir)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining(dir + " has 4 tensor problems")
                .hasMessageContaining("tensor model.layers.0.self_attn.k_proj.weight has shape [32, 64], expected [16, 64]")
                .hasMessageContaining("tensor model.layers.1.self_attn.v_proj.weight has shape [32, 64], expected [16, 64]");
    }

    @Test
    void missingTensorIsNamedWithItsShape() throws IOException {
        String up = LlamaTensorNames.layer(0).upProj();
        Path dir = checkpoint(TINY, ModelSynthesizer.tensors(TINY).stream().filter(t -> !t.name().equals(up)).toList());
        assertThatThrownBy(() -> ModelLoader.load(dir)).isInstanceOf(ModelFormatException.class)
                .hasMessage("missing tensor " + up + " (expected shape [128, 64]) in " + dir);
    }

    @Test
    void nonFloatTensorIsRejected() throws IOException {
        Path dir = tmp.resolve("m");
        ModelSynthesizer.write(TINY, dir, s -> { });
        // rewrite the header's dtype of the final norm: F32 [64] has the same size as I32 [64]
        Path file = dir.resolve("model.safetensors");
        byte[] bytes = Files.readAllBytes(file);
        String s = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
        String from = "\"model.norm.weight\":{\"dtype\":\"F32\"";
        assertThat(s).contains(from);
        Files.write(file, s.replace(from, "\"model.norm.weight\":{\"dtype\":\"I32\"")
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> ModelLoader.load(dir))
                .hasMessageContaining("tensor model.norm.weight has dtype I32, expected F32, F16 or BF16");
    }

    @Test
    void truncatedWeightsNameFileAndTensor() throws IOException {
        Path dir = tmp.resolve("m");
        ModelSynthesizer.write(TINY, dir, s -> { });
        Path file = dir.resolve("model.safetensors");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() - 100);
        }
        assertThatThrownBy(() -> ModelLoader.load(dir)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("truncated safetensors file " + file)
                .hasMessageContaining("tensor " + LlamaTensorNames.lmHead());
    }

    @Test
    void duplicateTensorAcrossShardsNamesBothFiles() throws IOException {
        Path dir = tmp.resolve("m");
        ModelSynthesizer.write(TINY, dir, s -> { });
        SafetensorsWriter.write(dir.resolve("extra.safetensors"), List.of(SafetensorsWriter.Tensor.of(
                LlamaTensorNames.finalNorm(), DType.F32, new long[] {64}, new float[64])));
        assertThatThrownBy(() -> ModelLoader.load(dir)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("duplicate tensor model.norm.weight")
                .hasMessageContaining(dir.resolve("extra.safetensors").toString())
                .hasMessageContaining(dir.resolve("model.safetensors").toString());
    }

    @Test
    void shardListedInTheIndexButMissing() throws IOException {
        Path dir = tmp.resolve("m");
        ModelSynthesizer.write(TINY.withShardSize(200_000), dir, s -> { });
        Path second = dir.resolve("model-00002-of-00003.safetensors");
        Files.delete(second);
        assertThatThrownBy(() -> ModelLoader.load(dir)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("missing weights file " + second)
                .hasMessageContaining("model.safetensors.index.json");
    }

    @Test
    void indexIsObeyedAndStrayFilesIgnored() throws IOException {
        Path dir = tmp.resolve("m");
        ModelSynthesizer.write(TINY.withShardSize(200_000), dir, s -> { });
        // a file that is not in the index (e.g. consolidated.safetensors of Mistral repos) is not read
        SafetensorsWriter.write(dir.resolve("consolidated.safetensors"), List.of(SafetensorsWriter.Tensor.of(
                LlamaTensorNames.finalNorm(), DType.F32, new long[] {64}, new float[64])));
        List<String> progress = new ArrayList<>();
        LoadedModel m = ModelLoader.load(dir, progress::add);
        try (ModelWeights w = m.weights()) {
            assertThat(w.names()).hasSize(21);
            assertThat(progress).filteredOn(s -> s.startsWith("mapped ")).hasSize(3);
        }
    }

    @Test
    void indexPlacingATensorInTheWrongShardIsAnError() throws IOException {
        Path dir = tmp.resolve("m");
        ModelSynthesizer.write(TINY.withShardSize(200_000), dir, s -> { });
        Path index = dir.resolve(SafetensorsCheckpoint.INDEX);
        String json = Files.readString(index);
        String entry = "\"lm_head.weight\": \"model-00003-of-00003.safetensors\"";
        assertThat(json).contains(entry);
        Files.writeString(index, json.replace(entry, "\"lm_head.weight\": \"model-00001-of-00003.safetensors\""));
        assertThatThrownBy(() -> ModelLoader.load(dir)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("places tensor lm_head.weight in")
                .hasMessageContaining("but it is in " + dir.resolve("model-00003-of-00003.safetensors"));
    }

    @Test
    void untiedConfigWithoutLmHeadFallsBackToTiedWithANote() throws IOException {
        Path dir = checkpoint(TINY, ModelSynthesizer.tensors(TINY).stream()
                .filter(t -> !t.name().equals(LlamaTensorNames.lmHead())).toList());
        List<String> progress = new ArrayList<>();
        LoadedModel m = ModelLoader.load(dir, progress::add);
        try (ModelWeights w = m.weights()) {
            assertThat(m.config().tieWordEmbeddings()).isTrue();
            assertThat(w.find(LlamaTensorNames.lmHead())).isEmpty();
            assertThat(progress).anySatisfy(s -> assertThat(s).contains("tie_word_embeddings is false")
                    .contains("using tied embeddings"));
        }
    }

    @Test
    void storedDTypeIsTheWeightsDTypeWhateverTheConfigSays() throws IOException {
        SynthSpec bf16 = TINY.withDType(DType.BF16);
        Path dir = checkpoint(TINY, ModelSynthesizer.tensors(bf16)); // config says float32
        List<String> progress = new ArrayList<>();
        LoadedModel m = ModelLoader.load(dir, progress::add);
        try (ModelWeights w = m.weights()) {
            assertThat(m.config().storedDType()).isEqualTo(DType.BF16);
            assertThat(w.find(LlamaTensorNames.embed()).orElseThrow().dtype()).isEqualTo(DType.BF16);
            assertThat(m.config()).isEqualTo(bf16.model());
            assertThat(progress).anySatisfy(s -> assertThat(s).contains("declares F32")
                    .contains("stored as BF16"));
        }
    }

    @Test
    void unusedBiasesAreNoted() throws IOException {
        SynthSpec withBias = TINY.withAttentionBias(true);
        Path dir = checkpoint(TINY, ModelSynthesizer.tensors(withBias));
        List<String> progress = new ArrayList<>();
        LoadedModel m = ModelLoader.load(dir, progress::add);
        m.weights().close();
        assertThat(progress).anySatisfy(s -> assertThat(s).contains("8 bias tensors are not used"));
    }

    @Test
    void loadedConfigIsTheSynthesizedOne() {
        Path dir = tmp.resolve("m");
        ModelSynthesizer.write(TINY, dir, s -> { });
        LoadedModel m = ModelLoader.load(dir);
        try (ModelWeights w = m.weights()) {
            ModelConfig c = m.config();
            assertThat(c).isEqualTo(TINY.model());
            assertThat(m.directory()).isEqualTo(dir);
            assertThat(w.totalBytes()).isEqualTo(TINY.weightBytes());
        }
    }
}
