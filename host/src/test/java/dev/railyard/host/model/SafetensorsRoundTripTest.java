package dev.railyard.host.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.railyard.spi.model.DType;
import dev.railyard.spi.model.TensorView;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SafetensorsRoundTripTest {

    @TempDir
    Path tmp;

    private static float[] randomValues(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(-6, 4)));
        }
        v[0] = 0f;
        v[1] = -0f;
        v[2] = 1f;
        v[3] = 1.00390625f; // 1 + 2^-8: a bf16 tie
        return v;
    }

    private static float expected(DType t, float f) {
        return switch (t) {
            case F32 -> f;
            case F16 -> Float.float16ToFloat(Float.floatToFloat16(f));
            case BF16 -> FloatFormats.bfloat16ToFloat(FloatFormatsTest.referenceBf16(f));
            default -> throw new AssertionError(t);
        };
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F16", "BF16"})
    void writtenTensorsReadBackConverted(DType dtype) {
        float[] a = randomValues(3 * 5, 1);
        // larger than one writer chunk, to cross chunk boundaries
        long bigCount = SafetensorsWriter.CHUNK_ELEMENTS + 12345L;
        RandomTensorSource big = new RandomTensorSource(3, "big", 0f, 1f);
        Path file = tmp.resolve("t.safetensors");
        List<String> written = new ArrayList<>();
        SafetensorsWriter.write(file, List.of(
                SafetensorsWriter.Tensor.of("a", dtype, new long[] {3, 5}, a),
                new SafetensorsWriter.Tensor("empty", dtype, new long[] {0, 4}, TensorSource.constant(1f)),
                new SafetensorsWriter.Tensor("scalar", dtype, new long[] {}, TensorSource.constant(0.5f)),
                new SafetensorsWriter.Tensor("big", dtype, new long[] {bigCount}, big)),
                Map.of("format", "pt"), t -> written.add(t.name()));
        assertThat(written).containsExactly("a", "empty", "scalar", "big");
        assertThat(tmp.resolve("t.safetensors.partial")).doesNotExist();

        try (Arena arena = Arena.ofConfined()) {
            SafetensorsFile f = SafetensorsFile.open(file, arena);
            assertThat(f.metadata()).containsEntry("format", "pt");
            assertThat(f.tensors().keySet()).containsExactly("a", "empty", "scalar", "big");
            TensorView ta = f.tensors().get("a");
            assertThat(ta.dtype()).isEqualTo(dtype);
            assertThat(ta.shape()).containsExactly(3, 5);
            for (int i = 0; i < a.length; i++) {
                assertThat(ta.getFloat(i)).as("element %d", i).isEqualTo(expected(dtype, a[i]));
            }
            assertThat(f.tensors().get("empty").numElements()).isZero();
            assertThat(f.tensors().get("scalar").rank()).isZero();
            assertThat(f.tensors().get("scalar").getFloat(0)).isEqualTo(0.5f);
            TensorView tb = f.tensors().get("big");
            float[] src = new float[(int) bigCount];
            big.fill(0, src, src.length);
            for (long i : new long[] {0, 1, SafetensorsWriter.CHUNK_ELEMENTS - 1, SafetensorsWriter.CHUNK_ELEMENTS,
                    bigCount - 1}) {
                assertThat(tb.getFloat(i)).isEqualTo(expected(dtype, src[(int) i]));
            }
            assertThat(f.size()).isEqualTo(SafetensorsWriter.fileSize(List.of(
                    SafetensorsWriter.Tensor.of("a", dtype, new long[] {3, 5}, a),
                    new SafetensorsWriter.Tensor("empty", dtype, new long[] {0, 4}, TensorSource.constant(1f)),
                    new SafetensorsWriter.Tensor("scalar", dtype, new long[] {}, TensorSource.constant(0.5f)),
                    new SafetensorsWriter.Tensor("big", dtype, new long[] {bigCount}, big)), Map.of("format", "pt")));
        }
    }

    @Test
    void headerIsPaddedToEightBytesAndDataIsLittleEndian() throws IOException {
        Path file = tmp.resolve("x.safetensors");
        SafetensorsWriter.write(file, List.of(SafetensorsWriter.Tensor.of("x", DType.F32, new long[] {2},
                new float[] {1f, -2f})), Map.of(), t -> { });
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long n = b.getLong(0);
        assertThat(n % 8).isZero();
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        assertThat(header.strip()).isEqualTo("{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}");
        assertThat(b.getFloat((int) (8 + n))).isEqualTo(1f);
        assertThat(b.getFloat((int) (8 + n + 4))).isEqualTo(-2f);
        assertThat(bytes).hasSize((int) (8 + n + 8));
    }

    @Test
    void writerRejectsBadInput() {
        Path file = tmp.resolve("bad.safetensors");
        assertThatThrownBy(() -> SafetensorsWriter.Tensor.of("a", DType.F32, new long[] {2, 2}, new float[3]))
                .hasMessageContaining("tensor a").hasMessageContaining("4 elements but 3 values");
        assertThatThrownBy(() -> new SafetensorsWriter.Tensor("a", DType.I8, new long[] {1}, TensorSource.constant(0)))
                .hasMessageContaining("can only write F32, F16 or BF16");
        assertThatThrownBy(() -> SafetensorsWriter.write(file, List.of(
                SafetensorsWriter.Tensor.of("a", DType.F32, new long[] {1}, new float[1]),
                SafetensorsWriter.Tensor.of("a", DType.F32, new long[] {1}, new float[1]))))
                .hasMessageContaining("duplicate tensor name a");
        assertThat(file).doesNotExist();
    }

    @Test
    void failingSourceLeavesNoFile() {
        Path file = tmp.resolve("fail.safetensors");
        TensorSource broken = (start, dst, count) -> {
            throw new IllegalStateException("boom");
        };
        assertThatThrownBy(() -> SafetensorsWriter.write(file, List.of(
                new SafetensorsWriter.Tensor("a", DType.F32, new long[] {10}, broken))))
                .isInstanceOf(IllegalStateException.class).hasMessage("boom");
        assertThat(file).doesNotExist();
        assertThat(tmp.resolve("fail.safetensors.partial")).doesNotExist();
    }
}
