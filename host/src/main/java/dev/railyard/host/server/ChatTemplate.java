package dev.railyard.host.server;

import dev.railyard.host.model.TokenizerConfig;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns chat messages into a prompt. A full Jinja engine is out of scope: the model's {@code
 * chat_template} (from {@code tokenizer_config.json} or {@code chat_template.jinja}) is recognised
 * by its markers as one of the common families and rendered by hand:
 *
 * <ul>
 *   <li>{@link Format#CHATML} ({@code <|im_start|>}: Qwen, SmolLM, many fine-tunes), with the
 *       template's built-in default system message when it has one;
 *   <li>{@link Format#LLAMA3} ({@code <|start_header_id|>});
 *   <li>{@link Format#ZEPHYR} ({@code <|user|>}/{@code <|assistant|>}, Zephyr and Phi-3);
 *   <li>{@link Format#MISTRAL} ({@code [INST]}, Mistral and Llama 2);
 *   <li>{@link Format#GEMMA} ({@code <start_of_turn>}).
 * </ul>
 *
 * Anything else (no template, or one not recognised) uses {@link Format#DEFAULT}: {@code
 * <|role|>\ncontent\n} per message, then {@code <|assistant|>\n}. The beginning-of-sequence token
 * is written into the prompt when the template uses {@code bos_token}; the default format lets
 * the tokenizer add it instead ({@link #addSpecialTokens()}).
 */
public final class ChatTemplate {

    /** The template families rendered. */
    public enum Format { CHATML, LLAMA3, ZEPHYR, MISTRAL, GEMMA, DEFAULT }

    private static final Pattern CHATML_DEFAULT_SYSTEM =
            Pattern.compile("<\\|im_start\\|>system(?:\\\\n|\\n)([^'\"{}<]+?)<\\|im_end\\|>");

    private final Format format;
    private final String source;
    private final String bos;
    private final String eos;
    private final String endOfTurn;
    private final String defaultSystem;

    private ChatTemplate(Format format, String source, String bos, String eos, String endOfTurn, String defaultSystem) {
        this.format = format;
        this.source = source;
        this.bos = bos;
        this.eos = eos;
        this.endOfTurn = endOfTurn;
        this.defaultSystem = defaultSystem;
    }

    /** The default format, for a model without a usable template. */
    public static ChatTemplate defaultTemplate() {
        return new ChatTemplate(Format.DEFAULT, "built-in default", "", "", "", null);
    }

    /**
     * Recognises the model's template.
     *
     * @param forced a format name to use instead of detection ({@code auto} or null: detect)
     */
    public static ChatTemplate of(TokenizerConfig config, String forced) {
        Optional<String> t = config.chatTemplate();
        String text = t.orElse("");
        boolean usesBos = text.contains("bos_token");
        String bos = usesBos ? config.bosToken().orElse("") : "";
        String eos = config.eosToken().orElse("");
        Format f;
        String source;
        if (forced != null && !forced.equalsIgnoreCase("auto")) {
            f = parseFormat(forced);
            source = "chat-format " + f.name().toLowerCase(Locale.ROOT);
            if (f == Format.LLAMA3 && bos.isEmpty()) {
                bos = config.bosToken().orElse("<|begin_of_text|>");
            }
        } else {
            f = detect(text);
            source = t.isEmpty() ? "model has no chat_template; built-in default"
                    : f == Format.DEFAULT ? "chat_template not recognised; built-in default"
                    : "detected from the model's chat_template";
        }
        String endOfTurn = f == Format.ZEPHYR && text.contains("<|end|>") ? "<|end|>" : eos;
        String defaultSystem = null;
        if (f == Format.CHATML) {
            Matcher m = CHATML_DEFAULT_SYSTEM.matcher(text);
            if (m.find()) {
                defaultSystem = m.group(1).replace("\\n", "\n").replace("\\'", "'");
            }
        }
        return new ChatTemplate(f, source, bos, eos, endOfTurn, defaultSystem);
    }

    static Format detect(String template) {
        if (template.contains("<|im_start|>")) {
            return Format.CHATML;
        }
        if (template.contains("<|start_header_id|>")) {
            return Format.LLAMA3;
        }
        if (template.contains("<start_of_turn>")) {
            return Format.GEMMA;
        }
        if (template.contains("[INST]")) {
            return Format.MISTRAL;
        }
        if (template.contains("<|user|>") && template.contains("<|assistant|>")) {
            return Format.ZEPHYR;
        }
        return Format.DEFAULT;
    }

    static Format parseFormat(String name) {
        try {
            return Format.valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown chat format '" + name + "'; valid: auto, chatml, llama3, zephyr, mistral, gemma, default");
        }
    }

    public Format format() {
        return format;
    }

    /** Whether the tokenizer should add its special tokens (BOS) when encoding the prompt. */
    public boolean addSpecialTokens() {
        return format == Format.DEFAULT;
    }

    /** One line for logs: the format and where it came from. */
    public String describe() {
        return format.name().toLowerCase(Locale.ROOT) + " (" + source + ")"
                + (defaultSystem != null ? ", with the template's default system message" : "");
    }

    /** The prompt for {@code messages}, ending with the assistant's turn opening. */
    public String render(List<ChatMessage> messages) {
        StringBuilder sb = new StringBuilder(bos);
        switch (format) {
            case CHATML -> {
                if (defaultSystem != null && !messages.getFirst().role().equals("system")) {
                    chatml(sb, "system", defaultSystem);
                }
                for (ChatMessage m : messages) {
                    chatml(sb, m.role(), m.content());
                }
                sb.append("<|im_start|>assistant\n");
            }
            case LLAMA3 -> {
                for (ChatMessage m : messages) {
                    sb.append("<|start_header_id|>").append(m.role().equals("tool") ? "ipython" : m.role())
                            .append("<|end_header_id|>\n\n").append(m.content().strip()).append("<|eot_id|>");
                }
                sb.append("<|start_header_id|>assistant<|end_header_id|>\n\n");
            }
            case ZEPHYR -> {
                for (ChatMessage m : messages) {
                    sb.append("<|").append(m.role()).append("|>\n").append(m.content()).append(endOfTurn).append('\n');
                }
                sb.append("<|assistant|>\n");
            }
            case MISTRAL -> mistral(sb, messages);
            case GEMMA -> {
                String system = null;
                for (ChatMessage m : messages) {
                    if (m.role().equals("system")) {
                        system = system == null ? m.content() : system + "\n\n" + m.content();
                        continue;
                    }
                    String content = m.content().strip();
                    if (system != null && m.role().equals("user")) {
                        content = system + "\n\n" + content;
                        system = null;
                    }
                    sb.append("<start_of_turn>").append(m.role().equals("assistant") ? "model" : "user").append('\n')
                            .append(content).append("<end_of_turn>\n");
                }
                sb.append("<start_of_turn>model\n");
            }
            case DEFAULT -> {
                for (ChatMessage m : messages) {
                    sb.append("<|").append(m.role()).append("|>\n").append(m.content()).append('\n');
                }
                sb.append("<|assistant|>\n");
            }
        }
        return sb.toString();
    }

    private static void chatml(StringBuilder sb, String role, String content) {
        sb.append("<|im_start|>").append(role).append('\n').append(content).append("<|im_end|>\n");
    }

    /** {@code [INST] user [/INST]assistant</s>}; system text goes before the first user message. */
    private void mistral(StringBuilder sb, List<ChatMessage> messages) {
        String system = null;
        for (ChatMessage m : messages) {
            switch (m.role()) {
                case "system" -> system = system == null ? m.content() : system + "\n\n" + m.content();
                case "assistant" -> sb.append(m.content()).append(eos);
                default -> {
                    String content = m.content();
                    if (system != null) {
                        content = system + "\n\n" + content;
                        system = null;
                    }
                    sb.append("[INST] ").append(content).append(" [/INST]");
                }
            }
        }
        if (system != null) {
            sb.append("[INST] ").append(system).append(" [/INST]");
        }
    }
}
