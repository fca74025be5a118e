package dev.railyard.host.cli;

import java.io.PrintStream;

/**
 * A progress counter on stderr: redrawn in place on a terminal, printed at each quarter when
 * the output is a file or a pipe (so logs stay short).
 */
public final class ProgressLine {

    private final PrintStream out;
    private final String label;
    private final int total;
    private final boolean terminal = System.console() != null;
    private int lastQuarter = -1;

    public ProgressLine(PrintStream out, String label, int total) {
        this.out = out;
        this.label = label;
        this.total = total;
    }

    /** Reports {@code done} of the total. Thread-safe. */
    public synchronized void update(int done) {
        int width = 30;
        int filled = total == 0 ? width : (int) ((long) width * done / total);
        String line = String.format("  %-12s [%s%s] %d / %d", label, "#".repeat(filled), ".".repeat(width - filled), done, total);
        if (terminal) {
            out.print("\r" + line + (done >= total ? "\n" : ""));
            out.flush();
        } else {
            int quarter = total == 0 ? 4 : 4 * done / total;
            if (quarter != lastQuarter) {
                lastQuarter = quarter;
                out.println(line);
            }
        }
    }
}
