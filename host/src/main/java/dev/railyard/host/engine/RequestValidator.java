package dev.railyard.host.engine;

import dev.railyard.host.sampling.SamplingParams;
import dev.railyard.spi.backend.BackendInfo;
import java.util.concurrent.ThreadLocalRandom;

/** Checks a request before it enters the engine; every message names the field and the problem. */
final class RequestValidator {

    private RequestValidator() {
    }

    static Admission validate(GenerationRequest r, TextCodec codec, BackendInfo info, int maxWaiting, int waitingNow) {
        if (waitingNow >= maxWaiting) {
            throw new InvalidRequestException(InvalidRequestException.Kind.QUEUE_FULL,
                    "queue full: " + waitingNow + " requests are waiting (limit " + maxWaiting + "); retry later");
        }
        int[] prompt = promptOf(r, codec);
        if (prompt.length == 0) {
            throw new InvalidRequestException("prompt is empty: give at least one token");
        }
        for (int i = 0; i < prompt.length; i++) {
            if (prompt[i] < 0 || prompt[i] >= info.vocabSize()) {
                throw new InvalidRequestException("prompt token " + prompt[i] + " at index " + i
                        + " is outside the vocabulary [0, " + info.vocabSize() + ")");
            }
        }
        if (prompt.length >= info.maxContextLength()) {
            throw new InvalidRequestException(InvalidRequestException.Kind.CONTEXT_TOO_LONG, "prompt has " + prompt.length
                    + " tokens but the model's context length is " + info.maxContextLength()
                    + " (prompt plus at least one generated token must fit)");
        }
        int poolTokens = info.numBlocks() * info.blockSize();
        if (prompt.length >= poolTokens) {
            throw new InvalidRequestException(InvalidRequestException.Kind.CONTEXT_TOO_LONG, "prompt has " + prompt.length
                    + " tokens but the whole KV cache holds " + poolTokens + " (" + info.numBlocks() + " blocks of "
                    + info.blockSize() + ")");
        }
        if (r.maxTokens() < 1) {
            throw new InvalidRequestException("max_tokens must be at least 1, was " + r.maxTokens());
        }
        SamplingParams sp;
        try {
            sp = r.sampling().validate();
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(e.getMessage());
        }
        for (String stop : r.stopStrings()) {
            if (stop == null || stop.isEmpty()) {
                throw new InvalidRequestException("stop strings must not be empty");
            }
        }
        if (!r.stopStrings().isEmpty() && codec == null) {
            throw new InvalidRequestException("stop strings need a tokenizer, and this model has none");
        }
        if (r.timeoutNanos().isPresent() && r.timeoutNanos().getAsLong() <= 0) {
            throw new InvalidRequestException("timeout must be positive");
        }
        long seed = r.seed() != null ? r.seed() : ThreadLocalRandom.current().nextLong();
        // a sequence can never outgrow the context nor the whole KV pool
        int maxTokens = Math.min(r.maxTokens(), Math.min(info.maxContextLength(), poolTokens) - prompt.length);
        return new Admission(prompt, sp.withSeed(seed), maxTokens);
    }

    private static int[] promptOf(GenerationRequest r, TextCodec codec) {
        if (r.promptTokens() != null && r.promptText() != null) {
            throw new InvalidRequestException("give the prompt as text or as tokens, not both");
        }
        if (r.promptTokens() != null) {
            return r.promptTokens();
        }
        if (r.promptText() == null) {
            throw new InvalidRequestException("prompt is missing");
        }
        if (codec == null) {
            throw new InvalidRequestException("this model has no tokenizer: give the prompt as token ids");
        }
        if (r.promptText().isEmpty()) {
            throw new InvalidRequestException("prompt is empty: give at least one token");
        }
        return codec.encode(r.promptText(), r.addSpecialTokens());
    }
}
