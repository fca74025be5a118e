package dev.railyard.host.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.railyard.host.cli.HeldOutCode.SourceFile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** sched-bench's held-out code follows train.py's filters and held-out rule exactly. */
class HeldOutCodeTest {

    /** 72 bytes; SHA-256 dd3e0020...: 0xdd3e0020 % 1000 = 0, held out by train.py. */
    static final String HELD = "def f():\n    return 83\n# padding padding padding padding padding padding\n";
    /** 71 bytes; SHA-256 90b68eaa...: 0x90b68eaa % 1000 = 178, trained on. */
    static final String TRAINED = "def f():\n    return 0\n# padding padding padding padding padding padding\n";

    @Test
    void theHeldOutRuleIsTrainPysFirst32BitsModulo1000Below15() {
        assertThat(HeldOutCode.sha256(HELD.getBytes(StandardCharsets.UTF_8))).startsWith("dd3e0020");
        assertThat(HeldOutCode.sha256(TRAINED.getBytes(StandardCharsets.UTF_8))).startsWith("90b68eaa");
        assertThat(HeldOutCode.isHeldOut("dd3e0020" + "0".repeat(56))).isTrue();
        assertThat(HeldOutCode.isHeldOut("90b68eaa" + "0".repeat(56))).isFalse();
        assertThat(HeldOutCode.isHeldOut("0000000e" + "0".repeat(56))).isTrue(); // 14
        assertThat(HeldOutCode.isHeldOut("0000000f" + "0".repeat(56))).isFalse(); // 15
        assertThat(HeldOutCode.isHeldOut("ffffffff" + "0".repeat(56))).isFalse(); // 4294967295 % 1000 = 295
    }

    @Test
    void contentFiltersAreTrainPys() {
        assertThat(HeldOutCode.keptText("x = 1\n".getBytes(StandardCharsets.UTF_8))).isEqualTo("x = 1\n");
        assertThat(HeldOutCode.keptText(new byte[] {'x', (byte) 0xff, '\n'})).as("not UTF-8").isNull();
        assertThat(HeldOutCode.keptText(new byte[] {'x', (byte) 0xed, (byte) 0xa0, (byte) 0x80}))
                .as("an encoded surrogate is not UTF-8 for Python either").isNull();
        assertThat(HeldOutCode.keptText("x\0y".getBytes(StandardCharsets.UTF_8))).as("NUL").isNull();
        // lines are counted in code points, as Python's len() does, between \n only
        assertThat(HeldOutCode.keptText(("a\n" + "é".repeat(400) + "\n").getBytes(StandardCharsets.UTF_8))).isNotNull();
        assertThat(HeldOutCode.keptText(("a\n" + "é".repeat(401)).getBytes(StandardCharsets.UTF_8))).isNull();
        assertThat(HeldOutCode.keptText("\uD83D\uDE00".repeat(400).getBytes(StandardCharsets.UTF_8))).isNotNull();
        assertThat(HeldOutCode.keptText(("x".repeat(399) + "\r").getBytes(StandardCharsets.UTF_8))).isNotNull();
        assertThat(HeldOutCode.keptText(("x".repeat(400) + "\r").getBytes(StandardCharsets.UTF_8))).isNull();
    }

    @Test
    void sizeLimitsAndCrLf(@TempDir Path dir) throws IOException {
        assertThat(HeldOutCode.read(write(dir.resolve("a.py"), "x".repeat(63)))).isNull();
        assertThat(HeldOutCode.read(write(dir.resolve("b.py"), "x".repeat(64)))).isNotNull();
        String big = ("y" + "\n").repeat(128 * 1024);
        assertThat(HeldOutCode.read(write(dir.resolve("c.py"), big))).as("256 KiB exactly").isNotNull();
        assertThat(HeldOutCode.read(write(dir.resolve("d.py"), big + "z"))).isNull();
        SourceFile crlf = HeldOutCode.read(write(dir.resolve("e.py"), "x = 1\r\n".repeat(20)));
        assertThat(crlf.text()).isEqualTo("x = 1\n".repeat(20));
        assertThat(crlf.sha256()).as("hash of the bytes as read")
                .isEqualTo(HeldOutCode.sha256("x = 1\r\n".repeat(20).getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void scanCountsLikeTrainPyAndKeepsOnlyTheHeldOutSplit(@TempDir Path dir) throws IOException {
        Path root = Files.createDirectories(dir.resolve("lib"));
        write(root.resolve("held.py"), HELD);
        write(Files.createDirectories(root.resolve("pkg")).resolve("copy.py"), HELD); // duplicate
        write(root.resolve("trained.py"), TRAINED);
        write(root.resolve("tiny.py"), "x = 1\n"); // skipped: under 64 bytes
        write(root.resolve("notes.txt"), HELD); // not .py
        Files.createSymbolicLink(root.resolve("link.py"), root.resolve("trained.py")); // links are skipped
        HeldOutCode.Scan scan = HeldOutCode.scan(List.of(root, dir.resolve("missing")));
        assertThat(scan.found()).isEqualTo(4);
        assertThat(scan.skipped()).isEqualTo(1);
        assertThat(scan.unique()).hasSize(2);
        assertThat(scan.heldOut()).extracting(SourceFile::text).containsExactly(HELD);
        assertThat(scan.heldOut().getFirst().path().getFileName().toString())
                .as("the first path in sorted order is kept").isEqualTo("held.py");
    }

    @Test
    void defaultRootsAreTheSystemPythonsStandardLibrariesAndPackages(@TempDir Path lib) throws IOException {
        Files.createDirectories(lib.resolve("python3.12"));
        Files.createDirectories(lib.resolve("python3.11"));
        Files.createDirectories(lib.resolve("python3/dist-packages"));
        Files.createDirectories(lib.resolve("python3.11-config"));
        assertThat(HeldOutCode.defaultRoots(lib)).containsExactly(lib.resolve("python3.11"), lib.resolve("python3.12"),
                lib.resolve("python3/dist-packages"));
    }

    @Test
    void repositoryPythonSkipsBuildOutputAndHiddenFolders(@TempDir Path home) throws IOException {
        write(Files.createDirectories(home.resolve("tools")).resolve("a.py"), TRAINED);
        write(Files.createDirectories(home.resolve("host/target")).resolve("b.py"), HELD);
        write(Files.createDirectories(home.resolve(".git")).resolve("c.py"), HELD);
        write(Files.createDirectories(home.resolve("x/node_modules")).resolve("d.py"), HELD);
        assertThat(HeldOutCode.repositoryPython(home)).extracting(SourceFile::text).containsExactly(TRAINED);
    }

    @Test
    void promptsAreSeededWindowsOfTheStream() {
        int[] stream = new int[1000];
        for (int i = 0; i < stream.length; i++) {
            stream[i] = i;
        }
        List<int[]> a = HeldOutCode.windows(stream, 5, 64, 1241);
        List<int[]> b = HeldOutCode.windows(stream, 5, 64, 1241);
        assertThat(a).hasSize(5);
        for (int i = 0; i < a.size(); i++) {
            assertThat(a.get(i)).isEqualTo(b.get(i)).hasSize(64);
            int s = a.get(i)[0];
            assertThat(s).isBetween(0, 1000 - 64 - 2);
            assertThat(a.get(i)[63]).isEqualTo(s + 63);
        }
        assertThat(HeldOutCode.windows(new int[65], 5, 64, 1)).isEmpty();
    }

    @Test
    void helpFormatsWithoutAPicocliWarning() {
        PrintStream oldErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            CommandLine cl = Main.commandLine();
            cl.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
            cl.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
            cl.execute("sched-bench", "--help");
        } finally {
            System.setErr(oldErr);
        }
        assertThat(err.toString(StandardCharsets.UTF_8)).doesNotContain("Could not format");
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("acceptance >= 50% at k = 4").contains("--held-out-root");
    }

    private static Path write(Path file, String text) throws IOException {
        return Files.writeString(file, text, StandardCharsets.UTF_8);
    }
}
