package dev.railyard.host.cli;

import dev.railyard.host.engine.GenerationRequest;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Sampling flags; they are the defaults for every request of a command. */
public final class SamplingDefaults {

    @Option(names = "--max-tokens", paramLabel = "N", defaultValue = "64", description = "tokens to generate (default: ${DEFAULT-VALUE})")
    int maxTokens;

    @Option(names = {"-t", "--temperature"}, paramLabel = "T", defaultValue = "0",
            description = "0 is greedy (default: ${DEFAULT-VALUE})")
    double temperature;

    @Option(names = "--top-k", paramLabel = "K", defaultValue = "0", description = "keep the K most likely tokens; 0 keeps all")
    int topK;

    @Option(names = "--top-p", paramLabel = "P", defaultValue = "1", description = "nucleus sampling; 1 keeps all")
    double topP;

    @Option(names = "--min-p", paramLabel = "P", defaultValue = "0", description = "drop tokens under P times the most likely")
    double minP;

    @Option(names = "--repetition-penalty", paramLabel = "R", defaultValue = "1", description = "penalise repeated tokens; 1 is none")
    double repetitionPenalty;

    @Option(names = "--seed", paramLabel = "S", description = "seed of each request's random stream (default: random, reported)")
    Long seed;

    @Option(names = "--stop", paramLabel = "TEXT", description = "stop when the output contains TEXT (repeatable)")
    List<String> stop = new ArrayList<>();

    @Option(names = "--ignore-eos", description = "keep generating past end-of-sequence tokens")
    boolean ignoreEos;

    GenerationRequest.Builder apply(GenerationRequest.Builder b) {
        return b.maxTokens(maxTokens).temperature(temperature).topK(topK).topP(topP).minP(minP)
                .repetitionPenalty(repetitionPenalty).seed(seed).stopStrings(stop).ignoreEos(ignoreEos);
    }
}
