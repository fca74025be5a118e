package dev.railyard.host.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.railyard.host.engine.GenerationHandle;
import dev.railyard.host.engine.GenerationRequest;
import dev.railyard.host.engine.GenerationResult;
import dev.railyard.host.engine.InvalidRequestException;
import dev.railyard.host.engine.RequestTimings;
import dev.railyard.host.engine.TokenListener;
import dev.railyard.host.wiring.RailyardRuntime;
import dev.railyard.host.wiring.RuntimeFactory;
import dev.railyard.spi.Clock;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Runs one or many requests through the engine and prints their output. */
@Command(name = "generate",
        header = "Generates text for one prompt, or for many at once through the chosen scheduler and backend.", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Generates text for one prompt, or for many at once (they run concurrently through the",
            "chosen scheduler and backend). Give the prompt as text, as token ids with",
            "--prompt-tokens, or many requests with --prompts-file (one JSON object per line:",
            "{\"prompt\": \"...\"} or {\"prompt_tokens\": [..]}, plus optional max_tokens, temperature,",
            "top_p, top_k, min_p, repetition_penalty, seed, priority, stop).",
            "",
            "--output json prints one JSON object per request, one per line, in input order, with",
            "prompt_tokens, tokens, text, finish_reason, timings and (speculative runs) draft counts.",
            "",
            "Examples:",
            "  railyard generate 'def fibonacci(n):' --max-tokens 64",
            "  railyard generate --prompt-tokens 1,2,3 --output json --model path/to/model",
            "  railyard generate --prompts-file prompts.jsonl --scheduler speculative --output json"
        })
final class GenerateCommand implements Callable<Integer> {

    @Parameters(arity = "0..1", paramLabel = "PROMPT", description = "the prompt text")
    String promptText;

    @Option(names = "--prompt-tokens", paramLabel = "IDS", split = ",", description = "the prompt as comma-separated token ids")
    int[] promptTokens;

    @Option(names = "--prompts-file", paramLabel = "FILE", description = "many requests, one JSON object per line")
    Path promptsFile;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text",
            description = "text (streams a single prompt as it is generated) or json (default: ${DEFAULT-VALUE})")
    String output;

    @Mixin
    SamplingDefaults sampling;

    @Mixin
    EngineOptions engineOptions;

    @Override
    public Integer call() throws Exception {
        if (!output.equals("text") && !output.equals("json")) {
            throw new UserException("--output must be text or json, was '" + output + "'");
        }
        List<PromptsFile.Entry> entries = entries();
        PrintStream err = System.err;
        try (RailyardRuntime rt = RuntimeFactory.open(engineOptions.toConfig(), Clock.system(), line -> err.println("[railyard] " + line))) {
            boolean streamText = output.equals("text") && entries.size() == 1;
            List<GenerationHandle> handles = new ArrayList<>();
            List<String> errors = new ArrayList<>();
            for (PromptsFile.Entry e : entries) {
                GenerationHandle h = null;
                String error = e.error();
                if (error == null) {
                    try {
                        h = rt.engine().submit(e.request().build(), streamText ? new StdoutStreamer() : TokenListener.NONE);
                    } catch (InvalidRequestException ex) {
                        error = (entries.size() > 1 ? "line " + e.line() + ": " : "") + ex.getMessage();
                    }
                }
                handles.add(h);
                errors.add(error);
            }
            int failed = 0;
            ObjectMapper json = new ObjectMapper();
            for (int i = 0; i < entries.size(); i++) {
                GenerationHandle h = handles.get(i);
                GenerationResult r = h == null ? null : h.result().join();
                String error = errors.get(i) != null ? errors.get(i) : (r.error() != null ? r.error() : null);
                if (error != null) {
                    failed++;
                }
                if (output.equals("json")) {
                    System.out.println(json.writeValueAsString(toJson(json, i, r, error)));
                } else {
                    printText(i, entries.size(), r, error, streamText);
                }
            }
            System.out.flush();
            return failed == 0 ? 0 : 1;
        }
    }

    private List<PromptsFile.Entry> entries() {
        int given = (promptText != null ? 1 : 0) + (promptTokens != null ? 1 : 0) + (promptsFile != null ? 1 : 0);
        if (given != 1) {
            throw new UserException("give exactly one of: a PROMPT, --prompt-tokens or --prompts-file (see 'railyard generate --help')");
        }
        if (promptsFile != null) {
            List<PromptsFile.Entry> entries = PromptsFile.read(promptsFile, sampling);
            if (entries.isEmpty()) {
                throw new UserException("prompts file " + promptsFile + " has no requests");
            }
            return entries;
        }
        GenerationRequest.Builder b = sampling.apply(GenerationRequest.builder());
        if (promptText != null) {
            b.promptText(promptText);
        } else {
            b.promptTokens(promptTokens);
        }
        return List.of(new PromptsFile.Entry(1, b, null));
    }

    private static ObjectNode toJson(ObjectMapper json, int index, GenerationResult r, String error) {
        ObjectNode o = json.createObjectNode();
        o.put("index", index);
        if (r == null) {
            o.put("error", error);
            return o;
        }
        o.putPOJO("prompt_tokens", r.promptTokens());
        o.putPOJO("tokens", r.tokens());
        if (r.text() != null) {
            o.put("text", r.text());
        }
        o.put("finish_reason", r.finishReason().name().toLowerCase());
        if (error != null) {
            o.put("error", error);
        }
        RequestTimings t = r.timings();
        ObjectNode timings = o.putObject("timings");
        timings.put("queue_ms", t.queueNanos() / 1e6);
        timings.put("ttft_ms", t.timeToFirstTokenNanos() < 0 ? null : t.timeToFirstTokenNanos() / 1e6);
        timings.put("tpot_ms", t.timePerOutputTokenNanos() < 0 ? null : t.timePerOutputTokenNanos() / 1e6);
        timings.put("e2e_ms", t.endToEndNanos() / 1e6);
        o.put("seed", r.seed());
        o.put("preemptions", r.preemptions());
        if (r.draftedTokens() > 0) {
            o.put("drafted_tokens", r.draftedTokens());
            o.put("accepted_tokens", r.acceptedDraftTokens());
            o.put("acceptance_rate", r.acceptanceRate());
        }
        return o;
    }

    private static void printText(int index, int count, GenerationResult r, String error, boolean streamed) {
        if (streamed) {
            System.out.println();
        } else {
            if (count > 1) {
                System.out.println("--- request " + index + (r == null ? "" : " (" + r.finishReason().name().toLowerCase() + ")"));
            }
            if (r != null) {
                System.out.println(r.text() != null ? r.text() : java.util.Arrays.toString(r.tokens()));
            }
        }
        if (error != null) {
            System.out.println("error: " + error);
        }
    }

    /** Prints text (or token ids) as it arrives. */
    private static final class StdoutStreamer implements TokenListener {
        @Override
        public void onToken(int token, String textDelta) {
            if (textDelta != null) {
                System.out.print(textDelta);
            } else if (token >= 0) {
                System.out.print(token + " ");
            }
            System.out.flush();
        }
    }
}
