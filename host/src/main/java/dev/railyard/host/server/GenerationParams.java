package dev.railyard.host.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.railyard.host.engine.GenerationRequest;
import java.util.List;

/**
 * The parameters the completion and chat endpoints share, read under OpenAI's names, plus the
 * usual extensions ({@code top_k}, {@code min_p}, {@code repetition_penalty}, {@code priority},
 * {@code ignore_eos}). What is not supported ({@code n > 1}, penalties other than 0, log
 * probabilities, tools, ...) is refused with a 400 naming the parameter rather than ignored.
 *
 * @param model the requested model, or null when the body names none
 * @param stream whether to answer with server-sent events
 * @param includeUsage {@code stream_options.include_usage}: a last chunk with usage
 * @param builder the engine request, without its prompt
 */
record GenerationParams(String model, boolean stream, boolean includeUsage, GenerationRequest.Builder builder) {

    /** OpenAI's default temperature. */
    static final double DEFAULT_TEMPERATURE = 1.0;

    /**
     * Reads the shared parameters.
     *
     * @param defaultMaxTokens used when the body sets no limit
     * @param chat whether this is a chat request ({@code max_completion_tokens}, {@code logprobs}
     *     as a boolean, tools)
     */
    static GenerationParams parse(JsonBody body, int defaultMaxTokens, boolean chat) {
        String model = body.string("model");
        boolean stream = Boolean.TRUE.equals(body.bool("stream"));
        boolean includeUsage = false;
        JsonNode so = body.raw("stream_options");
        if (so != null) {
            if (!so.isObject()) {
                throw ApiError.invalid("stream_options", "invalid_type", "'stream_options' must be an object");
            }
            JsonNode iu = so.get("include_usage");
            if (iu != null && !iu.isNull()) {
                if (!iu.isBoolean()) {
                    throw ApiError.invalid("stream_options.include_usage", "invalid_type",
                            "'stream_options.include_usage' must be a boolean");
                }
                includeUsage = iu.asBoolean();
            }
        }
        refuseUnsupported(body, chat);

        GenerationRequest.Builder b = GenerationRequest.builder();
        Integer maxTokens = chat && body.has("max_completion_tokens") ? body.intAtLeast("max_completion_tokens", 1)
                : body.intAtLeast("max_tokens", 1);
        b.maxTokens(maxTokens != null ? maxTokens : defaultMaxTokens);
        Double temperature = body.numberIn("temperature", 0, Double.MAX_VALUE);
        b.temperature(temperature != null ? temperature : DEFAULT_TEMPERATURE);
        Double topP = body.number("top_p");
        if (topP != null) {
            if (!(topP > 0 && topP <= 1)) {
                throw ApiError.invalid("top_p", "invalid_value", "'top_p' must be in (0, 1], was " + topP);
            }
            b.topP(topP);
        }
        Long topK = body.integer("top_k");
        if (topK != null) {
            if (topK < -1 || topK > Integer.MAX_VALUE) {
                throw ApiError.invalid("top_k", "invalid_value", "'top_k' must be >= 0 (0 or -1 disable it), was " + topK);
            }
            b.topK(topK == -1 ? 0 : topK.intValue());
        }
        Double minP = body.numberIn("min_p", 0, 1);
        if (minP != null) {
            b.minP(minP);
        }
        Double rep = body.number("repetition_penalty");
        if (rep != null) {
            if (!(rep > 0) || Double.isInfinite(rep)) {
                throw ApiError.invalid("repetition_penalty", "invalid_value", "'repetition_penalty' must be > 0, was " + rep);
            }
            b.repetitionPenalty(rep);
        }
        Long seed = body.integer("seed");
        if (seed != null) {
            b.seed(seed);
        }
        Long priority = body.integer("priority");
        if (priority != null) {
            if (priority < Integer.MIN_VALUE || priority > Integer.MAX_VALUE) {
                throw ApiError.invalid("priority", "invalid_value", "'priority' must fit a 32-bit integer, was " + priority);
            }
            b.priority(priority.intValue());
        }
        List<String> stop = body.stringOrStrings("stop");
        for (String s : stop) {
            if (s.isEmpty()) {
                throw ApiError.invalid("stop", "invalid_value", "'stop' must not contain empty strings");
            }
        }
        b.stopStrings(stop);
        Boolean ignoreEos = body.bool("ignore_eos");
        if (ignoreEos != null) {
            b.ignoreEos(ignoreEos);
        }
        return new GenerationParams(model, stream, includeUsage, b);
    }

    private static void refuseUnsupported(JsonBody body, boolean chat) {
        Long n = body.integer("n");
        if (n != null && n != 1) {
            throw ApiError.invalid("n", "unsupported_value", "only n=1 is supported (one choice per request), was " + n);
        }
        Long bestOf = body.integer("best_of");
        if (bestOf != null && bestOf != 1) {
            throw ApiError.invalid("best_of", "unsupported_value", "only best_of=1 is supported, was " + bestOf);
        }
        for (String p : new String[] {"presence_penalty", "frequency_penalty"}) {
            Double v = body.number(p);
            if (v != null && v != 0) {
                throw ApiError.invalid(p, "unsupported_value", "'" + p + "' is not supported: only 0 is accepted, was " + v
                        + " (use repetition_penalty instead)");
            }
        }
        JsonNode logprobs = body.raw("logprobs");
        if (logprobs != null && !(logprobs.isBoolean() && !logprobs.asBoolean()) && !(logprobs.isNumber() && logprobs.asInt() == 0)) {
            throw ApiError.invalid("logprobs", "unsupported_value", "'logprobs' is not supported");
        }
        JsonNode topLogprobs = body.raw("top_logprobs");
        if (topLogprobs != null && !(topLogprobs.isNumber() && topLogprobs.asInt() == 0)) {
            throw ApiError.invalid("top_logprobs", "unsupported_value", "'top_logprobs' is not supported");
        }
        JsonNode bias = body.raw("logit_bias");
        if (bias != null && !(bias.isObject() && bias.isEmpty())) {
            throw ApiError.invalid("logit_bias", "unsupported_value", "'logit_bias' is not supported");
        }
        if (Boolean.TRUE.equals(body.has("echo") ? body.bool("echo") : null)) {
            throw ApiError.invalid("echo", "unsupported_value", "'echo' is not supported");
        }
        String suffix = body.has("suffix") ? body.string("suffix") : null;
        if (suffix != null && !suffix.isEmpty()) {
            throw ApiError.invalid("suffix", "unsupported_value", "'suffix' is not supported");
        }
        if (chat) {
            for (String p : new String[] {"tools", "functions"}) {
                JsonNode v = body.raw(p);
                if (v != null && !(v.isArray() && v.isEmpty())) {
                    throw ApiError.invalid(p, "unsupported_parameter", "'" + p + "' (tool calling) is not supported");
                }
            }
            JsonNode rf = body.raw("response_format");
            if (rf != null && !(rf.isObject() && "text".equals(rf.path("type").asText()))) {
                throw ApiError.invalid("response_format", "unsupported_value", "only response_format {\"type\": \"text\"} is supported");
            }
        }
    }
}
