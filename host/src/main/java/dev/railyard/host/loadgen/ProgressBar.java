package dev.railyard.host.loadgen;

import java.io.PrintStream;

/**
 * A one-line progress bar ({@code \r}-redrawn, at most ten times a second) for a run: requests
 * done out of the total, or seconds out of the duration, with failures and the achieved rate.
 */
public final class ProgressBar implements LoadGenerator.Progress {

    private static final int WIDTH = 30;

    private final PrintStream out;
    private final String label;
    private final int totalRequests;
    private final double totalSeconds;
    private long lastDraw;
    private String lastLine = "";

    /**
     * @param totalRequests the request count (0 when the run is limited by time only)
     * @param totalSeconds the duration (0 when limited by count only)
     */
    public ProgressBar(PrintStream out, String label, int totalRequests, double totalSeconds) {
        this.out = out;
        this.label = label;
        this.totalRequests = totalRequests;
        this.totalSeconds = totalSeconds;
    }

    @Override
    public synchronized void update(int done, int failed, long elapsedNanos) {
        long now = System.nanoTime();
        if (now - lastDraw < 100_000_000L && (totalRequests == 0 || done < totalRequests)) {
            return;
        }
        lastDraw = now;
        double secs = elapsedNanos / 1e9;
        double frac = totalRequests > 0 ? (double) done / totalRequests : 0;
        if (totalSeconds > 0) {
            frac = Math.max(frac, Math.min(1, secs / totalSeconds));
        }
        int filled = (int) Math.round(frac * WIDTH);
        String line = String.format("\r%s [%s%s] %d%s req, %d failed, %.1f s, %.2f req/s", label, "#".repeat(filled),
                ".".repeat(WIDTH - filled), done, totalRequests > 0 ? "/" + totalRequests : "", failed, secs,
                secs > 0 ? done / secs : 0.0);
        lastLine = line;
        out.print(line);
        out.flush();
    }

    /** Ends the line. */
    public synchronized void finish() {
        if (!lastLine.isEmpty()) {
            out.println();
            out.flush();
        }
    }
}
