package dev.railyard.host.demo;

import dev.railyard.host.engine.Engine;
import dev.railyard.host.engine.GenerationHandle;
import dev.railyard.host.engine.GenerationRequest;
import dev.railyard.host.engine.GenerationResult;
import dev.railyard.host.loadgen.ArrivalProcess;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;

/**
 * The demo's workload: short interactive requests and long batch requests mixed, arriving as a
 * Poisson process, submitted in wall time. Seeded, so every scheduler sees the same requests at
 * the same offsets.
 */
public final class MixedWorkload {

    /** One request and when it arrives, in milliseconds after the start. */
    public record Arrival(double atMillis, GenerationRequest request, boolean interactive) {
    }

    private static final String[] SNIPPETS = {
        "def fibonacci(n):", "import os\n\ndef list_files(path):", "class Stack:\n    def __init__(self):",
        "def is_prime(n):", "for i in range(10):", "def read_json(path):\n    with open(path) as f:",
        "def merge_sort(items):", "if __name__ == \"__main__\":", "def parse_args():\n    parser = argparse.ArgumentParser(",
        "class Config:\n    \"\"\"", "def binary_search(arr, target):", "try:\n    import numpy as np\nexcept ImportError:",
    };

    private final List<Arrival> arrivals;

    private MixedWorkload(List<Arrival> arrivals) {
        this.arrivals = arrivals;
    }

    /**
     * @param interactive short requests (short prompt, short output)
     * @param batch long requests (long prompt, long output)
     * @param ratePerSecond mean arrival rate
     */
    public static MixedWorkload generate(int interactive, int batch, double ratePerSecond, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<Arrival> out = new ArrayList<>();
        ArrivalProcess poisson = ArrivalProcess.poisson(ratePerSecond);
        double t = 0;
        int total = interactive + batch;
        int batchLeft = batch;
        for (int i = 0; i < total; i++) {
            t += poisson.nextGapSeconds(rnd) * 1000;
            boolean isBatch = batchLeft > 0 && rnd.nextInt(total - i) < batchLeft;
            if (isBatch) {
                batchLeft--;
            }
            String prompt = SNIPPETS[rnd.nextInt(SNIPPETS.length)];
            if (isBatch) {
                StringBuilder sb = new StringBuilder();
                for (int k = 0; k < 6; k++) {
                    sb.append(SNIPPETS[rnd.nextInt(SNIPPETS.length)]).append("\n    pass\n\n");
                }
                prompt = sb + prompt;
            }
            GenerationRequest r = GenerationRequest.builder().promptText(prompt).maxTokens(isBatch ? 96 : 24)
                    .temperature(0).seed((long) i).ignoreEos(true).build();
            out.add(new Arrival(t, r, !isBatch));
        }
        return new MixedWorkload(out);
    }

    public List<Arrival> arrivals() {
        return arrivals;
    }

    /** Submits each request at its time and waits for all; {@code onDone} gets the count done so far. */
    public List<GenerationResult> run(Engine engine, IntConsumer onDone) throws InterruptedException {
        long start = System.nanoTime();
        List<GenerationHandle> handles = new ArrayList<>();
        int[] done = {0};
        for (Arrival a : arrivals) {
            long due = start + (long) (a.atMillis() * 1e6);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            GenerationHandle h = engine.submit(a.request());
            h.result().thenRun(() -> {
                synchronized (done) {
                    onDone.accept(++done[0]);
                }
            });
            handles.add(h);
        }
        List<GenerationResult> results = new ArrayList<>();
        for (GenerationHandle h : handles) {
            results.add(h.result().join());
        }
        return results;
    }
}
