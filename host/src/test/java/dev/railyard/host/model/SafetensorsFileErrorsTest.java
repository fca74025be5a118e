package dev.railyard.host.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.railyard.spi.model.DType;
import dev.railyard.spi.model.ModelFormatException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsFileErrorsTest {

    @TempDir
    Path tmp;

    /** A file with this header (not padded) followed by {@code dataBytes} zero bytes. */
    private Path file(String header, int dataBytes) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        Path f = tmp.resolve("w.safetensors");
        Files.write(f, b.array());
        return f;
    }

    private static void open(Path f) {
        try (Arena arena = Arena.ofConfined()) {
            SafetensorsFile.open(f, arena);
        }
    }

    @Test
    void missingFileIsNamed() {
        Path f = tmp.resolve("nope.safetensors");
        assertThatThrownBy(() -> open(f)).isInstanceOf(ModelFormatException.class)
                .hasMessage("missing weights file " + f);
    }

    @Test
    void headerThatIsNotJson() throws IOException {
        Path f = file("this is not json at all", 0);
        assertThatThrownBy(() -> open(f)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("safetensors header of " + f + " is not valid JSON");
    }

    @Test
    void headerThatIsJsonButNotAnObject() throws IOException {
        Path f = file("[1, 2]", 0);
        assertThatThrownBy(() -> open(f)).hasMessageContaining("is not a JSON object");
    }

    @Test
    void headerLengthPastTheEndOfTheFile() throws IOException {
        Path f = tmp.resolve("short.safetensors");
        Files.write(f, ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN).putLong(1000).array());
        assertThatThrownBy(() -> open(f)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("truncated safetensors file " + f)
                .hasMessageContaining("header length 1000").hasMessageContaining("file size of 20 bytes");
    }

    @Test
    void fileShorterThanTheLengthField() throws IOException {
        Path f = tmp.resolve("tiny.safetensors");
        Files.write(f, new byte[] {1, 2, 3});
        assertThatThrownBy(() -> open(f)).hasMessageContaining("truncated safetensors file " + f)
                .hasMessageContaining("3 bytes");
    }

    @Test
    void dataPastTheEndOfTheFileNamesFileAndTensor() throws IOException {
        Path f = tmp.resolve("cut.safetensors");
        SafetensorsWriter.write(f, List.of(
                SafetensorsWriter.Tensor.of("first", DType.F32, new long[] {4}, new float[4]),
                SafetensorsWriter.Tensor.of("last", DType.F32, new long[] {4}, new float[4])));
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() - 3);
        }
        assertThatThrownBy(() -> open(f)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("truncated safetensors file " + f)
                .hasMessageContaining("tensor last ends at byte");
    }

    @Test
    void offsetsThatDoNotMatchTheShape() throws IOException {
        Path f = file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,12]}}", 16);
        assertThatThrownBy(() -> open(f)).hasMessageContaining("tensor a in " + f)
                .hasMessageContaining("span 12 bytes but F32 [2, 2] needs 16");
    }

    @Test
    void unsupportedDtypeIsNamed() throws IOException {
        Path f = file("{\"a\":{\"dtype\":\"F8_E4M3\",\"shape\":[2],\"data_offsets\":[0,2]}}", 2);
        assertThatThrownBy(() -> open(f)).hasMessageContaining("tensor a in " + f)
                .hasMessageContaining("unsupported dtype F8_E4M3");
    }

    @Test
    void malformedEntryIsNamed() throws IOException {
        Path f = file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2]}}", 8);
        assertThatThrownBy(() -> open(f)).hasMessageContaining("tensor a in " + f)
                .hasMessageContaining("needs dtype, shape and data_offsets");
    }

    @Test
    void metadataIsIgnoredAndIntegerTensorsAreRead() throws IOException {
        Path f = file("{\"__metadata__\":{\"format\":\"pt\",\"x\":\"y\"},"
                + "\"ids\":{\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4);
        try (Arena arena = Arena.ofConfined()) {
            SafetensorsFile sf = SafetensorsFile.open(f, arena);
            assertThat(sf.tensors()).containsOnlyKeys("ids");
            assertThat(sf.tensors().get("ids").dtype()).isEqualTo(DType.I32);
            assertThat(sf.metadata()).containsEntry("format", "pt").containsEntry("x", "y");
        }
    }
}
