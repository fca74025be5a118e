package dev.railyard.conformance.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code railyard demo}'s first part, the embedded model completing {@code def fibonacci(n):} on
 * the CPU backend, reads like Python: the function body is indented, it has Python keywords and
 * a {@code return}, and the completion ends where the definition ends (two blank lines) rather
 * than at the token limit.
 */
class DemoCompletionTest {

    @Test
    void theFibonacciCompletionReadsLikePython() {
        String before = System.getProperty("railyard.home");
        System.setProperty("railyard.home", Path.of("..").toAbsolutePath().normalize().toString());
        String out;
        try {
            out = CliOutput.of("demo", "--skip-workload");
        } finally {
            if (before == null) {
                System.clearProperty("railyard.home");
            } else {
                System.setProperty("railyard.home", before);
            }
        }
        int start = out.indexOf("def fibonacci(n):");
        int end = out.indexOf("(greedy with repetition penalty");
        assertThat(start).as("demo output:%n%s", out).isGreaterThanOrEqualTo(0);
        assertThat(end).as("demo output:%n%s", out).isGreaterThan(start);
        String completion = out.substring(start, end);
        List<String> body = Arrays.stream(completion.split("\n")).skip(1).filter(l -> !l.isBlank()).toList();
        assertThat(body).as(completion).isNotEmpty().allMatch(l -> l.startsWith("    "), "indented under the def");
        assertThat(body).as(completion).anyMatch(l -> l.strip().startsWith("return "));
        assertThat(body).as(completion).anyMatch(l -> l.strip().startsWith("if ") || l.strip().startsWith("for ")
                || l.strip().startsWith("while ") || l.strip().startsWith("raise "));
        assertThat(out.substring(end)).as("finish reason").contains(", stop)");
    }
}
