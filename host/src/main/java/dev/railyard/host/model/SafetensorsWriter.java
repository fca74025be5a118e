package dev.railyard.host.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.railyard.spi.model.DType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * Writes tensors to a {@code .safetensors} file, streaming: the header first (offsets are known
 * from the shapes), then each tensor's data in chunks of {@value #CHUNK_ELEMENTS} elements that are
 * produced by its {@link TensorSource} and converted to F32, F16 (round to nearest even) or BF16
 * (round to nearest even) in parallel, and written in order through reusable buffers. Memory use is
 * a few chunks, whatever the model's size.
 *
 * <p>The file appears atomically: data goes to {@code NAME.partial} which is renamed at the end and
 * deleted on failure.
 *
 * <pre>{@code
 * SafetensorsWriter.write(dir.resolve("model.safetensors"), List.of(
 *         SafetensorsWriter.Tensor.of("a", DType.BF16, new long[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6}),
 *         new SafetensorsWriter.Tensor("b", DType.F32, new long[] {1 << 20}, TensorSource.constant(1f))));
 * }</pre>
 */
public final class SafetensorsWriter {

    /** Elements per chunk (a multiple of {@link RandomTensorSource#BLOCK}). */
    public static final int CHUNK_ELEMENTS = 1 << 20;

    /**
     * One tensor to write.
     *
     * @param name its name; not empty, not {@code __metadata__}
     * @param dtype F32, F16 or BF16
     * @param shape its shape (copied)
     * @param source produces its elements as floats
     */
    public record Tensor(String name, DType dtype, long[] shape, TensorSource source) {

        public Tensor {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(dtype, "dtype");
            Objects.requireNonNull(source, "source");
            if (name.isEmpty() || name.equals("__metadata__")) {
                throw new IllegalArgumentException("invalid tensor name '" + name + "'");
            }
            if (!dtype.isFloatingWeightType()) {
                throw new IllegalArgumentException("tensor " + name + ": can only write F32, F16 or BF16, not " + dtype);
            }
            shape = shape.clone();
            long n = 1;
            for (long d : shape) {
                if (d < 0) {
                    throw new IllegalArgumentException("tensor " + name + ": negative dimension in "
                            + Arrays.toString(shape));
                }
                n = Math.multiplyExact(n, d);
            }
            Math.multiplyExact(n, (long) dtype.bytes());
        }

        /**
         * A tensor holding {@code values} (not copied).
         *
         * @throws IllegalArgumentException when the length does not match the shape
         */
        public static Tensor of(String name, DType dtype, long[] shape, float[] values) {
            Tensor t = new Tensor(name, dtype, shape, TensorSource.of(values));
            if (t.numElements() != values.length) {
                throw new IllegalArgumentException("tensor " + name + ": shape " + Arrays.toString(shape) + " has "
                        + t.numElements() + " elements but " + values.length + " values were given");
            }
            return t;
        }

        /** A copy of the shape. */
        @Override
        public long[] shape() {
            return shape.clone();
        }

        /** Product of the shape. */
        public long numElements() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }

        /** Bytes of its data in the file. */
        public long byteSize() {
            return numElements() * dtype.bytes();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Tensor t && t.name.equals(name) && t.dtype == dtype && Arrays.equals(t.shape, shape)
                    && t.source.equals(source);
        }

        @Override
        public int hashCode() {
            return Objects.hash(name, dtype, Arrays.hashCode(shape));
        }

        @Override
        public String toString() {
            return name + " " + dtype + " " + Arrays.toString(shape);
        }
    }

    private SafetensorsWriter() {
    }

    /** Writes {@code tensors} to {@code file} with metadata {@code format=pt}. */
    public static void write(Path file, List<Tensor> tensors) {
        write(file, tensors, Map.of("format", "pt"), t -> { });
    }

    /**
     * Writes {@code tensors}, in this order, to {@code file}, replacing it.
     *
     * @param metadata the {@code __metadata__} strings; omitted when empty
     * @param written called (on the calling thread) after each tensor's data is written, in order
     * @throws IllegalArgumentException when two tensors share a name
     * @throws UncheckedIOException when the file cannot be written
     */
    public static void write(Path file, List<Tensor> tensors, Map<String, String> metadata, Consumer<Tensor> written) {
        Set<String> names = new HashSet<>();
        for (Tensor t : tensors) {
            if (!names.add(t.name())) {
                throw new IllegalArgumentException("duplicate tensor name " + t.name());
            }
        }
        byte[] header = header(tensors, metadata);
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        boolean done = false;
        try {
            try (FileChannel ch = FileChannel.open(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, header.length);
                writeFully(ch, len);
                writeFully(ch, ByteBuffer.wrap(header));
                new DataPipeline(ch, written).run(tensors);
            }
            try {
                Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING);
            }
            done = true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        } finally {
            if (!done) {
                try {
                    Files.deleteIfExists(partial);
                } catch (IOException ignored) {
                    // best effort
                }
            }
        }
    }

    /** Size in bytes of the file {@link #write} produces for these tensors and metadata. */
    public static long fileSize(List<Tensor> tensors, Map<String, String> metadata) {
        long data = 0;
        for (Tensor t : tensors) {
            data += t.byteSize();
        }
        return 8 + header(tensors, metadata).length + data;
    }

    /** The JSON header, padded with spaces to a multiple of 8 bytes so that data stays aligned. */
    static byte[] header(List<Tensor> tensors, Map<String, String> metadata) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = root.putObject("__metadata__");
            metadata.forEach(meta::put);
        }
        long offset = 0;
        for (Tensor t : tensors) {
            ObjectNode e = root.putObject(t.name());
            e.put("dtype", t.dtype().safetensorsName());
            ArrayNode shape = e.putArray("shape");
            for (long d : t.shape) {
                shape.add(d);
            }
            long end = offset + t.byteSize();
            e.putArray("data_offsets").add(offset).add(end);
            offset = end;
        }
        byte[] json;
        try {
            json = Json.MAPPER.writeValueAsString(root)
                    .getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        int padded = (json.length + 7) / 8 * 8;
        byte[] out = Arrays.copyOf(json, padded);
        Arrays.fill(out, json.length, padded, (byte) ' ');
        return out;
    }

    static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }

    /** Encodes {@code count} floats as {@code dtype} into {@code buf}, ready to be written. */
    static void encode(DType dtype, float[] src, int count, ByteBuffer buf) {
        buf.clear();
        switch (dtype) {
            case F32 -> buf.asFloatBuffer().put(src, 0, count);
            case F16 -> {
                for (int i = 0; i < count; i++) {
                    buf.putShort(i * 2, FloatFormats.toFloat16(src[i]));
                }
            }
            case BF16 -> {
                for (int i = 0; i < count; i++) {
                    buf.putShort(i * 2, FloatFormats.toBFloat16(src[i]));
                }
            }
            default -> throw new IllegalArgumentException("cannot encode " + dtype);
        }
        buf.limit(count * dtype.bytes());
    }

    /**
     * Produces chunks on a thread pool, a bounded number ahead, and writes them in order on the
     * calling thread.
     */
    private static final class DataPipeline {

        private record Pending(Future<ByteBuffer> data, Tensor tensor, boolean lastOfTensor) {
        }

        private final FileChannel channel;
        private final Consumer<Tensor> written;
        private final int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
        private final int maxInFlight = 2 * threads;
        private final ArrayDeque<ByteBuffer> free = new ArrayDeque<>();
        private final ArrayDeque<Pending> inFlight = new ArrayDeque<>();
        private final ThreadLocal<float[]> scratch = ThreadLocal.withInitial(() -> new float[CHUNK_ELEMENTS]);

        DataPipeline(FileChannel channel, Consumer<Tensor> written) {
            this.channel = channel;
            this.written = written;
        }

        void run(List<Tensor> tensors) throws IOException {
            ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
                Thread t = new Thread(r, "safetensors-writer");
                t.setDaemon(true);
                return t;
            });
            try {
                for (Tensor t : tensors) {
                    long n = t.numElements();
                    if (n == 0) {
                        submit(pool, t, 0, 0, true);
                    }
                    for (long start = 0; start < n; start += CHUNK_ELEMENTS) {
                        int count = (int) Math.min(CHUNK_ELEMENTS, n - start);
                        submit(pool, t, start, count, start + count == n);
                    }
                }
                while (!inFlight.isEmpty()) {
                    drainOne();
                }
            } finally {
                pool.shutdownNow();
            }
        }

        private void submit(ExecutorService pool, Tensor t, long start, int count, boolean last) throws IOException {
            if (inFlight.size() >= maxInFlight) {
                drainOne();
            }
            ByteBuffer buf = free.isEmpty()
                    ? ByteBuffer.allocateDirect(CHUNK_ELEMENTS * 4).order(ByteOrder.LITTLE_ENDIAN)
                    : free.pop();
            Future<ByteBuffer> f = pool.submit(() -> {
                float[] floats = scratch.get();
                t.source().fill(start, floats, count);
                encode(t.dtype(), floats, count, buf);
                return buf;
            });
            inFlight.add(new Pending(f, t, last));
        }

        private void drainOne() throws IOException {
            Pending p = inFlight.poll();
            ByteBuffer buf;
            try {
                buf = p.data().get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while writing tensor " + p.tensor().name(), e);
            } catch (ExecutionException e) {
                Throwable c = e.getCause();
                if (c instanceof RuntimeException re) {
                    throw re;
                }
                if (c instanceof Error err) {
                    throw err;
                }
                throw new IOException("producing tensor " + p.tensor().name() + " failed: " + c, c);
            }
            writeFully(channel, buf);
            free.push(buf);
            if (p.lastOfTensor()) {
                written.accept(p.tensor());
            }
        }
    }
}
