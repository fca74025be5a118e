package dev.railyard.host.cli;

import dev.railyard.host.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Python source chosen with exactly the rules of {@code tools/train-default-model/train.py}, so
 * that {@code sched-bench} measures the draft model on the training distribution's held-out split.
 *
 * <p>The rules, as train.py applies them: every {@code .py} file under the roots (regular files,
 * symbolic links skipped, real paths, sorted); skipped when under 64 bytes or over 256 KiB, not
 * strict UTF-8, holding a NUL, or with a line of more than 400 characters (code points, lines split
 * at {@code \n}); deduplicated by the SHA-256 of the bytes; held out when the first 32 bits of that
 * hash modulo 1000 are below 15. train.py trains only on files whose hash is outside that range,
 * so no file chosen here can have been trained on: a file with the same content on the training
 * machine would have been held out there too. (A file can still differ only slightly from one that
 * was trained on, e.g. a module of another Python version; train.py's own held-out split has the
 * same property.)
 */
final class HeldOutCode {

    static final int MIN_BYTES = 64;
    static final int MAX_BYTES = 256 * 1024;
    static final int MAX_LINE_CHARS = 400;
    static final int HELD_OUT_PERMILLE = 15;

    private static final Pattern PYTHON_DIR = Pattern.compile("python3\\.\\d+");

    private HeldOutCode() {
    }

    /** One kept file: its (first) path, the SHA-256 of its bytes and its text with CRLF made LF. */
    record SourceFile(Path path, String sha256, String text) {
    }

    /**
     * What a scan found, train.py's counts: {@code found} .py files, {@code skipped} by the filters,
     * {@code unique} kept after deduplication ({@code found - skipped - unique} duplicates), and
     * the kept files, sorted by hash (train.py's order).
     */
    record Scan(List<Path> roots, int found, int skipped, List<SourceFile> unique) {

        /** The kept files whose hash puts them in the held-out split, in hash order. */
        List<SourceFile> heldOut() {
            return unique.stream().filter(f -> isHeldOut(f.sha256())).toList();
        }
    }

    /**
     * This machine's system Python: each {@code /usr/lib/python3.N} (the standard library) and
     * {@code /usr/lib/python3/dist-packages} (its installed packages), those that exist.
     */
    static List<Path> defaultRoots() {
        return defaultRoots(Path.of("/usr/lib"));
    }

    static List<Path> defaultRoots(Path lib) {
        List<Path> roots = new ArrayList<>();
        if (Files.isDirectory(lib)) {
            try (Stream<Path> children = Files.list(lib)) {
                children.filter(p -> PYTHON_DIR.matcher(p.getFileName().toString()).matches())
                        .filter(Files::isDirectory).sorted().forEach(roots::add);
            } catch (IOException e) {
                // unreadable: no roots from it
            }
        }
        Path dist = lib.resolve("python3/dist-packages");
        if (Files.isDirectory(dist)) {
            roots.add(dist);
        }
        return roots;
    }

    /**
     * The repository's own Python (not on the machine the models were trained on, so never
     * trained on, but not from the training distribution either): every {@code .py} file under
     * {@code home} outside build output, dependencies and hidden folders, through train.py's
     * filters, deduplicated, sorted by path.
     */
    static List<SourceFile> repositoryPython(Path home) {
        TreeMap<String, Path> files = new TreeMap<>();
        try {
            Files.walkFileTree(home, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    String name = dir.getFileName() == null ? "" : dir.getFileName().toString();
                    boolean skip = !dir.equals(home)
                            && (name.startsWith(".") || name.equals("target") || name.equals("node_modules"));
                    return skip ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile() && file.getFileName().toString().endsWith(".py")) {
                        files.put(file.toString(), file);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // keep what was found
        }
        List<SourceFile> out = new ArrayList<>();
        TreeSet<String> hashes = new TreeSet<>();
        for (Path f : files.values()) {
            SourceFile s = read(f);
            if (s != null && hashes.add(s.sha256())) {
                out.add(s);
            }
        }
        return out;
    }

    /** train.py's held-out rule: the first 32 bits of the SHA-256 (hex) modulo 1000 below 15. */
    static boolean isHeldOut(String sha256Hex) {
        return Long.parseLong(sha256Hex.substring(0, 8), 16) % 1000 < HELD_OUT_PERMILLE;
    }

    /** Scans the roots with train.py's rules. Unreadable files and folders are skipped. */
    static Scan scan(List<Path> roots) {
        TreeSet<String> files = new TreeSet<>();
        for (Path root : roots) {
            try {
                listPythonFiles(root.toRealPath(), files);
            } catch (IOException e) {
                // a root that does not exist or cannot be read adds nothing
            }
        }
        TreeMap<String, SourceFile> byHash = new TreeMap<>();
        int skipped = 0;
        for (String f : files) {
            SourceFile s = read(Path.of(f));
            if (s == null) {
                skipped++;
            } else {
                byHash.putIfAbsent(s.sha256(), s);
            }
        }
        return new Scan(List.copyOf(roots), files.size(), skipped, List.copyOf(byHash.values()));
    }

    private static void listPythonFiles(Path root, TreeSet<String> out) {
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    // not following links: a symbolic link is visited as itself and skipped here
                    if (attrs.isRegularFile() && file.getFileName().toString().endsWith(".py")) {
                        try {
                            out.add(file.toRealPath().toString());
                        } catch (IOException e) {
                            // vanished or unreadable
                        }
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // the walk itself failed: keep what was found
        }
    }

    /** One file through train.py's filters ({@code _read}); null when it is skipped. */
    static SourceFile read(Path file) {
        byte[] bytes;
        try {
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                return null;
            }
            long size = Files.size(file);
            if (size < MIN_BYTES || size > MAX_BYTES) {
                return null;
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            return null;
        }
        String text = keptText(bytes);
        return text == null ? null : new SourceFile(file, sha256(bytes), text.replace("\r\n", "\n"));
    }

    /** The text of a file's bytes if train.py's content filters keep it (size aside), else null. */
    static String keptText(byte[] bytes) {
        String s;
        try {
            s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
        if (s.indexOf('\0') >= 0) {
            return null;
        }
        int start = 0;
        while (start <= s.length()) {
            int end = s.indexOf('\n', start);
            if (end < 0) {
                end = s.length();
            }
            if (s.codePointCount(start, end) > MAX_LINE_CHARS) {
                return null; // generated data / minified tables
            }
            start = end + 1;
        }
        return s;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The token stream train.py builds from documents: each encoded with the tokenizer's
     * post-processor (which puts {@code <|endoftext|>} in front), concatenated, then one final
     * {@code eos}.
     */
    static int[] tokenStream(Tokenizer tokenizer, List<String> texts, int eos) {
        List<int[]> parts = new ArrayList<>();
        int n = 1;
        for (String t : texts) {
            int[] ids = tokenizer.encode(t, true);
            parts.add(ids);
            n += ids.length;
        }
        int[] out = new int[n];
        int at = 0;
        for (int[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        out[at] = eos;
        return out;
    }

    /**
     * {@code count} prompts of {@code length} tokens cut from the stream at seeded uniform offsets
     * in {@code [0, stream.length - length - 1)}, as train.py's acceptance simulation cuts them;
     * empty when the stream is too short.
     */
    static List<int[]> windows(int[] stream, int count, int length, long seed) {
        int range = stream.length - length - 1;
        if (range <= 0 || count <= 0) {
            return List.of();
        }
        Random random = new Random(seed);
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int s = random.nextInt(range);
            int[] w = new int[length];
            System.arraycopy(stream, s, w, 0, length);
            out.add(w);
        }
        return out;
    }

    /** Total characters of some files' texts. */
    static long chars(List<SourceFile> files) {
        long n = 0;
        for (SourceFile f : files) {
            n += f.text().length();
        }
        return n;
    }
}
