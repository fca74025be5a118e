package dev.railyard.host.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.railyard.spi.model.DType;
import dev.railyard.spi.model.TensorView;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A safetensors file over 2 GB maps whole (the FFM API, not a 2 GB-limited ByteBuffer). The file
 * is sparse: only its header and the bytes near its end are written, so the test takes well under
 * a second and almost no disk.
 */
class LargeSafetensorsFileTest {

    @TempDir
    Path tmp;

    @Test
    void mapsAFileLargerThanTwoGigabytes() throws IOException {
        long big = (1L << 31) + 4096; // U8 elements: past Integer.MAX_VALUE
        String header = "{\"big\":{\"dtype\":\"U8\",\"shape\":[" + big + "],\"data_offsets\":[0," + big + "]},"
                + "\"tail\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[" + big + "," + (big + 8) + "]}}";
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        long dataStart = 8 + h.length;
        Path file = tmp.resolve("big.safetensors");
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(dataStart + big + 8);
            raf.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).array());
            raf.write(h);
            raf.seek(dataStart + big - 1);
            raf.write(0x5A); // last element of "big"
            raf.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(1.5f).putFloat(-7.25f).array());
        }
        try (Arena arena = Arena.ofShared()) {
            SafetensorsFile f = SafetensorsFile.open(file, arena);
            assertThat(f.size()).isGreaterThan(1L << 31);
            TensorView b = f.tensors().get("big");
            assertThat(b.dtype()).isEqualTo(DType.U8);
            assertThat(b.data().byteSize()).isEqualTo(big);
            assertThat(b.data().get(ValueLayout.JAVA_BYTE, big - 1)).isEqualTo((byte) 0x5A);
            assertThat(b.data().get(ValueLayout.JAVA_BYTE, big - 2)).isZero();
            TensorView tail = f.tensors().get("tail");
            assertThat(tail.getFloat(0)).isEqualTo(1.5f);
            assertThat(tail.getFloat(1)).isEqualTo(-7.25f);
        }
    }
}
