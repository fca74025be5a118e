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
        CommandLine cl = Main.commandLine();
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
    void theCommandListShowsEachCommandsOneLineSummaryWhole() {
        String out = capture("--help");
        CommandLine cl = Main.commandLine();
        for (var e : cl.getSubcommands().entrySet()) {
            if (e.getKey().equals("help")) {
                continue;
            }
            String[] header = e.getValue().getCommandSpec().usageMessage().header();
            assertThat(header).as(e.getKey() + " has a one-line summary").hasSize(1);
            assertThat(header[0]).as(e.getKey()).endsWith(".");
            assertThat(out).as("the list shows " + e.getKey() + "'s summary on one line").contains(e.getKey() + "  ")
                    .containsPattern("(?m)^  " + java.util.regex.Pattern.quote(e.getKey()) + " +"
                            + java.util.regex.Pattern.quote(header[0]) + "$");
        }
    }

    @Test
    void descriptionLinesAreNotBrokenInTwo() {
        // a line written in the source comes out whole, and no line is wider than the help width
        String synth = capture("model", "synth", "--help");
        assertThat(synth).contains("Writes a Llama-family model with random weights in Hugging Face format (config.json,\n");
        String generate = capture("generate", "--help");
        assertThat(generate).contains("Generates text for one prompt, or for many at once (they run concurrently through the\n");
        CommandLine cl = Main.commandLine();
        for (String name : cl.getSubcommands().keySet()) {
            for (String line : capture(name, "--help").split("\n")) {
                assertThat(line.length()).as(name + ": " + line).isLessThanOrEqualTo(Main.HELP_WIDTH);
            }
        }
    }

    @Test
    void generateRefusesAmbiguousInputWithAClearLine() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream old = System.err;
        CommandLine cl = Main.commandLine();
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
            CommandLine cl = Main.commandLine();
            cl.setOut(new java.io.PrintWriter(new java.io.OutputStreamWriter(System.out, StandardCharsets.UTF_8), true));
            cl.execute(args);
        } finally {
            System.setOut(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }
}
