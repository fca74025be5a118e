package dev.railyard.host.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.railyard.spi.model.DType;
import dev.railyard.spi.model.ModelFormatException;
import dev.railyard.spi.model.TensorView;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One {@code .safetensors} file, memory-mapped whole into an {@link Arena} (so files over 2 GB
 * work) with its tensors as zero-copy, read-only slices.
 *
 * <p>Format: an unsigned 64-bit little-endian header length N, N bytes of JSON mapping each tensor
 * name to {@code {"dtype", "shape", "data_offsets": [begin, end]}} (offsets relative to the end of
 * the header; an optional {@code __metadata__} object of strings), then the data.
 */
public final class SafetensorsFile {

    /** Headers larger than this are rejected as corrupt (the reference implementation uses 100 MB). */
    static final long MAX_HEADER_BYTES = 100L << 20;

    private final Path path;
    private final long size;
    private final Map<String, TensorView> tensors;
    private final Map<String, String> metadata;

    private SafetensorsFile(Path path, long size, Map<String, TensorView> tensors, Map<String, String> metadata) {
        this.path = path;
        this.size = size;
        this.tensors = Collections.unmodifiableMap(tensors);
        this.metadata = Collections.unmodifiableMap(metadata);
    }

    /**
     * Maps {@code file} into {@code arena} and parses its header. The tensors stay valid until the
     * arena is closed.
     *
     * @throws ModelFormatException when the file is missing (naming its path), truncated (naming
     *     the file, and the tensor whose data lies past its end), its header is not JSON, or an entry
     *     is malformed or has an unsupported dtype
     */
    public static SafetensorsFile open(Path file, Arena arena) {
        if (!Files.isRegularFile(file)) {
            throw new ModelFormatException("missing weights file " + file);
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) {
                throw new ModelFormatException("truncated safetensors file " + file + ": it has " + size
                        + " bytes, fewer than the 8 of the header length");
            }
            long headerLength = readLong(ch, file);
            if (headerLength < 0 || headerLength > size - 8) {
                throw new ModelFormatException("truncated safetensors file " + file + ": header length "
                        + Long.toUnsignedString(headerLength) + " runs past the file size of " + size + " bytes");
            }
            if (headerLength > MAX_HEADER_BYTES) {
                throw new ModelFormatException("not a safetensors file: " + file + " declares a header of "
                        + headerLength + " bytes (more than " + MAX_HEADER_BYTES + ")");
            }
            ByteBuffer header = ByteBuffer.allocate((int) headerLength);
            readFully(ch, header, 8, file);
            JsonNode root = parseHeader(header.array(), file);
            MemorySegment all = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            long dataStart = 8 + headerLength;
            Map<String, TensorView> tensors = new LinkedHashMap<>();
            Map<String, String> metadata = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : root.properties()) {
                if (e.getKey().equals("__metadata__")) {
                    e.getValue().properties().forEach(m -> metadata.put(m.getKey(), m.getValue().asText()));
                    continue;
                }
                tensors.put(e.getKey(), tensor(e.getKey(), e.getValue(), all, dataStart, size, file));
            }
            return new SafetensorsFile(file, size, tensors, metadata);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** The file. */
    public Path path() {
        return path;
    }

    /** The file's size in bytes. */
    public long size() {
        return size;
    }

    /** Tensors by name, in header order. */
    public Map<String, TensorView> tensors() {
        return tensors;
    }

    /** The {@code __metadata__} strings (e.g. {@code format=pt}); empty when absent. */
    public Map<String, String> metadata() {
        return metadata;
    }

    private static JsonNode parseHeader(byte[] bytes, Path file) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new ModelFormatException("safetensors header of " + file + " is not valid JSON: "
                    + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (root == null || !root.isObject()) {
            throw new ModelFormatException("safetensors header of " + file + " is not a JSON object");
        }
        return root;
    }

    private static TensorView tensor(String name, JsonNode entry, MemorySegment all, long dataStart, long size,
                                     Path file) {
        String where = "tensor " + name + " in " + file;
        if (!entry.isObject()) {
            throw new ModelFormatException(where + ": header entry is not an object: " + entry);
        }
        JsonNode dtypeNode = entry.get("dtype");
        JsonNode shapeNode = entry.get("shape");
        JsonNode offsetsNode = entry.get("data_offsets");
        if (dtypeNode == null || !dtypeNode.isTextual() || shapeNode == null || !shapeNode.isArray()
                || offsetsNode == null || !offsetsNode.isArray() || offsetsNode.size() != 2) {
            throw new ModelFormatException(where + ": header entry needs dtype, shape and data_offsets [begin, end],"
                    + " found " + entry);
        }
        DType dtype = dtype(dtypeNode.asText(), where);
        long[] shape = new long[shapeNode.size()];
        long elements = 1;
        try {
            for (int i = 0; i < shape.length; i++) {
                JsonNode d = shapeNode.get(i);
                if (!d.isIntegralNumber() || d.asLong() < 0) {
                    throw new ModelFormatException(where + ": bad shape " + shapeNode);
                }
                shape[i] = d.asLong();
                elements = Math.multiplyExact(elements, shape[i]);
            }
            Math.multiplyExact(elements, (long) dtype.bytes());
        } catch (ArithmeticException e) {
            throw new ModelFormatException(where + ": shape " + shapeNode + " is too large");
        }
        JsonNode b = offsetsNode.get(0);
        JsonNode en = offsetsNode.get(1);
        if (!b.isIntegralNumber() || !en.isIntegralNumber() || !b.canConvertToLong() || !en.canConvertToLong()
                || b.asLong() < 0 || en.asLong() < b.asLong()) {
            throw new ModelFormatException(where + ": bad data_offsets " + offsetsNode);
        }
        long begin = b.asLong();
        long end = en.asLong();
        long expected = elements * dtype.bytes();
        if (end - begin != expected) {
            throw new ModelFormatException(where + ": data_offsets " + offsetsNode + " span " + (end - begin)
                    + " bytes but " + dtype + " " + Arrays.toString(shape) + " needs " + expected);
        }
        if (end > size - dataStart) {
            throw new ModelFormatException("truncated safetensors file " + file + ": tensor " + name
                    + " ends at byte " + (dataStart + end) + " but the file has only " + size + " bytes");
        }
        return new TensorView(name, dtype, shape, all.asSlice(dataStart + begin, end - begin));
    }

    private static DType dtype(String name, String where) {
        for (DType t : DType.values()) {
            if (t.safetensorsName().equals(name)) {
                return t;
            }
        }
        throw new ModelFormatException(where + " has unsupported dtype " + name + "; supported: "
                + Arrays.stream(DType.values()).map(DType::safetensorsName).toList());
    }

    private static long readLong(FileChannel ch, Path file) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, buf, 0, file);
        return buf.getLong(0);
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position, Path file) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) {
                throw new ModelFormatException("truncated safetensors file " + file + ": unexpected end at byte " + pos);
            }
            pos += n;
        }
    }
}
