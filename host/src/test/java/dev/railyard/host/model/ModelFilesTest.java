package dev.railyard.host.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.railyard.spi.model.ModelFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFilesTest {

    @TempDir
    Path tmp;

    @Test
    void reportsWhichFilesExist() {
        ModelFiles golden = ModelFiles.of(Fixtures.golden());
        assertThat(golden.hasConfig()).isTrue();
        assertThat(golden.hasGenerationConfig()).isTrue();
        assertThat(golden.hasTokenizer()).isFalse();
        assertThat(golden.hasTokenizerConfig()).isFalse();
        assertThat(golden.hasSafetensorsIndex()).isFalse();
        assertThat(golden.tokenizerConfig()).isEqualTo(TokenizerConfig.EMPTY);
        assertThat(golden.tokenizerJson()).isEqualTo(Fixtures.golden().resolve("tokenizer.json"));
    }

    @Test
    void readsChatTemplateAndTokensOfARealTokenizerConfig() {
        ModelFiles f = ModelFiles.of(Fixtures.resourceDir("model/smollm2-v5"));
        assertThat(f.hasTokenizerConfig()).isTrue();
        TokenizerConfig c = f.tokenizerConfig();
        assertThat(c.chatTemplate()).get().asString().startsWith("{% for message in messages %}")
                .contains("<|im_start|>assistant\n");
        assertThat(c.bosToken()).contains("<|im_start|>");
        assertThat(c.eosToken()).contains("<|im_end|>");
        assertThat(c.addBosToken()).isEmpty();
    }

    @Test
    void readsAddBosTokenTokenObjectsAndNamedTemplates() {
        Fixtures.write(tmp, "tokenizer_config.json", """
                {"add_bos_token": true, "add_eos_token": false,
                 "bos_token": {"content": "<s>", "lstrip": false},
                 "eos_token": "</s>",
                 "chat_template": [{"name": "tool_use", "template": "T"}, {"name": "default", "template": "D"}]}
                """);
        Fixtures.write(tmp, "tokenizer.json", "{}");
        ModelFiles f = ModelFiles.of(tmp);
        assertThat(f.hasTokenizer()).isTrue();
        TokenizerConfig c = f.tokenizerConfig();
        assertThat(c.addBosToken()).contains(true);
        assertThat(c.addEosToken()).contains(false);
        assertThat(c.bosToken()).contains("<s>");
        assertThat(c.eosToken()).contains("</s>");
        assertThat(c.chatTemplate()).contains("D");
    }

    @Test
    void chatTemplateFallsBackToTheJinjaFile() throws IOException {
        Fixtures.write(tmp, "tokenizer_config.json", "{\"add_bos_token\": false}");
        Files.writeString(tmp.resolve("chat_template.jinja"), "{{ messages }}");
        assertThat(ModelFiles.of(tmp).tokenizerConfig())
                .isEqualTo(new TokenizerConfig(Optional.of("{{ messages }}"), Optional.of(false), Optional.empty(),
                        Optional.empty(), Optional.empty()));
        Files.delete(tmp.resolve("tokenizer_config.json"));
        assertThat(ModelFiles.of(tmp).tokenizerConfig().chatTemplate()).contains("{{ messages }}");
    }

    @Test
    void tokenizerConfigThatIsNotJsonIsAClearError() {
        Fixtures.write(tmp, "tokenizer_config.json", "{oops");
        assertThatThrownBy(() -> ModelFiles.of(tmp).tokenizerConfig()).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("tokenizer_config.json is not valid JSON");
    }
}
