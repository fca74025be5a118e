package dev.railyard.host.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.railyard.host.config.ConfigException;
import dev.railyard.host.model.ModelFiles;
import dev.railyard.host.model.TokenizerConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Chat template recognition and rendering, and the server's settings. */
class ChatTemplateTest {

    private static final List<ChatMessage> CHAT = List.of(new ChatMessage("system", "Be brief."), new ChatMessage("user", "Hi!"),
            new ChatMessage("assistant", "Hello."), new ChatMessage("user", "2+2?"));

    private static TokenizerConfig config(String template, String bos, String eos) {
        return new TokenizerConfig(Optional.ofNullable(template), Optional.empty(), Optional.empty(), Optional.ofNullable(bos),
                Optional.ofNullable(eos));
    }

    @Test
    void smolLm2sChatMlTemplateIsRecognised() {
        TokenizerConfig tc = ModelFiles.of(Path.of("src/test/resources/model/smollm2-v5")).tokenizerConfig();
        ChatTemplate t = ChatTemplate.of(tc, "auto");
        assertThat(t.format()).isEqualTo(ChatTemplate.Format.CHATML);
        assertThat(t.addSpecialTokens()).isFalse();
        assertThat(t.render(List.of(new ChatMessage("user", "Hi!")))).isEqualTo("<|im_start|>user\nHi!<|im_end|>\n<|im_start|>assistant\n");
    }

    @Test
    void chatMlDefaultSystemMessageIsTakenFromTheTemplate() {
        String qwen = "{%- if messages[0]['role'] == 'system' %}{{- '<|im_start|>system\\n' + messages[0]['content'] + '<|im_end|>\\n' }}"
                + "{%- else %}{{- '<|im_start|>system\\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\\n' }}"
                + "{%- endif %}";
        ChatTemplate t = ChatTemplate.of(config(qwen, null, "<|im_end|>"), null);
        assertThat(t.render(List.of(new ChatMessage("user", "Hi!")))).isEqualTo("<|im_start|>system\nYou are Qwen, created by Alibaba "
                + "Cloud. You are a helpful assistant.<|im_end|>\n<|im_start|>user\nHi!<|im_end|>\n<|im_start|>assistant\n");
        assertThat(t.render(CHAT)).startsWith("<|im_start|>system\nBe brief.<|im_end|>\n");
        assertThat(t.describe()).contains("chatml", "default system message");
    }

    @Test
    void llama3() {
        String tpl = "{{- bos_token }}{% for m in messages %}<|start_header_id|>{{ m['role'] }}<|end_header_id|>...{% endfor %}";
        ChatTemplate t = ChatTemplate.of(config(tpl, "<|begin_of_text|>", "<|eot_id|>"), "auto");
        assertThat(t.render(List.of(new ChatMessage("system", "S"), new ChatMessage("user", " Hi! "))))
                .isEqualTo("<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nS<|eot_id|>"
                        + "<|start_header_id|>user<|end_header_id|>\n\nHi!<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n");
    }

    @Test
    void zephyrPhi3MistralAndGemma() {
        ChatTemplate zephyr = ChatTemplate.of(config("{% for m in messages %}<|user|>...<|assistant|>{{ eos_token }}", null, "</s>"), null);
        assertThat(zephyr.render(List.of(new ChatMessage("user", "Hi!")))).isEqualTo("<|user|>\nHi!</s>\n<|assistant|>\n");
        ChatTemplate phi3 = ChatTemplate.of(config("<|user|>{{ m }}<|end|><|assistant|>", null, "<|endoftext|>"), null);
        assertThat(phi3.render(List.of(new ChatMessage("user", "Hi!")))).isEqualTo("<|user|>\nHi!<|end|>\n<|assistant|>\n");
        ChatTemplate mistral = ChatTemplate.of(config("{{ bos_token }}[INST] {{ m }} [/INST]", "<s>", "</s>"), null);
        assertThat(mistral.render(CHAT)).isEqualTo("<s>[INST] Be brief.\n\nHi! [/INST]Hello.</s>[INST] 2+2? [/INST]");
        ChatTemplate gemma = ChatTemplate.of(config("{{ bos_token }}<start_of_turn>user", "<bos>", "<eos>"), null);
        assertThat(gemma.render(CHAT)).isEqualTo("<bos><start_of_turn>user\nBe brief.\n\nHi!<end_of_turn>\n"
                + "<start_of_turn>model\nHello.<end_of_turn>\n<start_of_turn>user\n2+2?<end_of_turn>\n<start_of_turn>model\n");
    }

    @Test
    void unknownOrMissingTemplatesUseTheDefault() {
        ChatTemplate none = ChatTemplate.of(TokenizerConfig.EMPTY, "auto");
        assertThat(none.format()).isEqualTo(ChatTemplate.Format.DEFAULT);
        assertThat(none.addSpecialTokens()).isTrue();
        assertThat(none.render(CHAT)).isEqualTo("<|system|>\nBe brief.\n<|user|>\nHi!\n<|assistant|>\nHello.\n<|user|>\n2+2?\n<|assistant|>\n");
        assertThat(ChatTemplate.of(config("{{ messages | tojson }}", null, null), null).describe()).contains("not recognised");
        assertThat(ChatTemplate.of(TokenizerConfig.EMPTY, "chatml").format()).isEqualTo(ChatTemplate.Format.CHATML);
    }

    @Test
    void serverSettingsComeFromTheConfigSection() {
        ServerSettings s = ServerSettings.fromConfig(Map.of("port", 9000, "served-model-name", "m", "shutdown-grace-seconds", 2.5,
                "chat-format", "llama3"));
        assertThat(s.port()).isEqualTo(9000);
        assertThat(s.host()).isEqualTo("127.0.0.1");
        assertThat(s.servedModelName()).isEqualTo("m");
        assertThat(s.shutdownGrace().toMillis()).isEqualTo(2500);
        assertThatThrownBy(() -> ServerSettings.fromConfig(Map.of("prot", 1))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("valid keys").hasMessageContaining("port");
        assertThatThrownBy(() -> ServerSettings.fromConfig(Map.of("chat-format", "jinja"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("chatml");
    }
}
