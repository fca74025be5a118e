package dev.railyard.host.cli;

import dev.railyard.host.wiring.RailyardHome;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs the project's test suite with Maven. */
@Command(name = "test",
        header = "Runs the whole test suite with Maven (--all adds the slow benchmarks and soak tests).", mixinStandardHelpOptions = true,
        description = {
            "Runs the whole test suite (all modules) with Maven, from the repository root.",
            "Slow benchmarks and soak tests are excluded unless --all is given."
        })
final class TestCommand implements Callable<Integer> {

    @Option(names = "--all", description = "also run tests tagged slow (soak tests, long benchmarks)")
    boolean all;

    @Override
    public Integer call() throws Exception {
        var home = RailyardHome.home();
        if (!Files.isRegularFile(home.resolve("pom.xml"))) {
            throw new UserException("no pom.xml in " + home + ": 'railyard test' runs from a source checkout");
        }
        List<String> cmd = new ArrayList<>(List.of("mvn", "-B", "-q", "install"));
        if (all) {
            cmd.add("-Drailyard.excluded.groups=none");
        }
        return new ProcessBuilder(cmd).directory(home.toFile()).inheritIO().start().waitFor();
    }
}
