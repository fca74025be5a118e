package dev.railyard.host.model;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Deterministic pseudo-random tensor elements {@code mean + std * N(0, 1)}: element {@code i} of a
 * tensor depends only on the seed, the tensor's name and {@code i}. Elements come in blocks of
 * {@value #BLOCK}, each drawn from its own {@link SplittableRandom} seeded from (seed, name, block
 * index), so any range can be produced independently and in parallel with identical results.
 */
public final class RandomTensorSource implements TensorSource {

    /** Elements per independently seeded block. */
    public static final int BLOCK = 1 << 16;

    private final long tensorSeed;
    private final float mean;
    private final float std;

    /**
     * @param seed the model seed
     * @param name the tensor's name, mixed into its seed
     * @param mean the elements' mean
     * @param std their standard deviation
     */
    public RandomTensorSource(long seed, String name, float mean, float std) {
        this.tensorSeed = mix(seed ^ mix(fnv1a(name)));
        this.mean = mean;
        this.std = std;
    }

    @Override
    public void fill(long start, float[] dst, int count) {
        int done = 0;
        while (done < count) {
            long index = start + done;
            long block = index / BLOCK;
            int offset = (int) (index % BLOCK);
            SplittableRandom random = new SplittableRandom(mix(tensorSeed + 0x9E3779B97F4A7C15L * (block + 1)));
            for (int k = 0; k < offset; k++) {
                random.nextGaussian();
            }
            int n = Math.min(BLOCK - offset, count - done);
            for (int k = 0; k < n; k++) {
                dst[done + k] = mean + std * (float) random.nextGaussian();
            }
            done += n;
        }
    }

    private static long fnv1a(String s) {
        long h = 0xCBF29CE484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xFF;
            h *= 0x100000001B3L;
        }
        return h;
    }

    /** The 64-bit finaliser of MurmurHash3. */
    private static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xFF51AFD7ED558CCDL;
        z = (z ^ (z >>> 33)) * 0xC4CEB9FE1A85EC53L;
        return z ^ (z >>> 33);
    }
}
