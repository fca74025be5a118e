package dev.railyard.host.model;

import java.util.Objects;
import java.util.Optional;

/**
 * What Railyard uses from {@code tokenizer_config.json}. Each value is empty when the file does
 * not set it.
 *
 * @param chatTemplate the Jinja chat template: {@code chat_template} as a string, or the entry named
 *     {@code default} (else the first) when it is a list of {@code {name, template}}, or the content
 *     of {@code chat_template.jinja} beside it
 * @param addBosToken {@code add_bos_token}
 * @param addEosToken {@code add_eos_token}
 * @param bosToken {@code bos_token} (a string, or the {@code content} of an added-token object)
 * @param eosToken {@code eos_token} (likewise)
 */
public record TokenizerConfig(Optional<String> chatTemplate, Optional<Boolean> addBosToken,
                              Optional<Boolean> addEosToken, Optional<String> bosToken, Optional<String> eosToken) {

    public TokenizerConfig {
        Objects.requireNonNull(chatTemplate, "chatTemplate");
        Objects.requireNonNull(addBosToken, "addBosToken");
        Objects.requireNonNull(addEosToken, "addEosToken");
        Objects.requireNonNull(bosToken, "bosToken");
        Objects.requireNonNull(eosToken, "eosToken");
    }

    /** A config that sets nothing. */
    public static final TokenizerConfig EMPTY = new TokenizerConfig(Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty(), Optional.empty());
}
