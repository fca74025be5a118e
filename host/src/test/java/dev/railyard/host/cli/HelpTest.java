package dev.railyard.host.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every command explains itself. */
class HelpTest {

    @Test
    void topLevelHelpListsTheCommands() {
        String out = capture("--help");
        assertThat(out).contains("Railyard serves large language models").contains("generate").contains("plugins")
                .contains("model").contains("test").contains("demo");
    }

    @Test
    void everyCommandHasAHelpThatExplainsIt() {
        CommandLine cl = new CommandLine(new Main());
        for (String name : cl.getSubcommands().keySet()) {
            if (name.equals("help")) {
                continue;
            }
            String out = capture(name, "--help");
            assertThat(out).as(name).contains("Usage: railyard " + name);
            String[] lines = out.split("\n");
            assertThat(lines.length).as(name + " help is more than a usage line").isGreaterThan(3);
        }
        assertThat(capture("model", "synth", "--help")).contains("random weights").contains("--preset");
        assertThat(capture("generate", "--help")).contains("--prompts-file").contains("--output").contains("--temperature");
    }

    @Test
    void generateRefusesAmbiguousInputWithAClearLine() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream old = System.err;
        CommandLine cl = new CommandLine(new Main());
        cl.setErr(new java.io.PrintWriter(err, true));
        cl.setExecutionExceptionHandler(new UserErrorHandler());
        int rc = cl.execute("generate", "hi", "--prompt-tokens", "1,2");
        assertThat(rc).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("error: give exactly one of").doesNotContain("Exception");
        System.setErr(old);
    }

    private static String capture(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            CommandLine cl = new CommandLine(new Main());
            cl.setOut(new java.io.PrintWriter(new java.io.OutputStreamWriter(System.out, StandardCharsets.UTF_8), true));
            cl.execute(args);
        } finally {
            System.setOut(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }
}
