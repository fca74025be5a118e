package dev.railyard.host.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Active sequences by id: an open-addressing hash map from {@code long} to {@link Sequence}
 * that never boxes, so the per-step lookups of plan validation and batch building allocate
 * nothing. Not thread-safe (engine thread only).
 */
final class SequenceTable {

    private long[] keys = new long[64];
    private Sequence[] values = new Sequence[64];
    private int size;

    Sequence get(long id) {
        int mask = keys.length - 1;
        for (int i = slot(id, mask); ; i = (i + 1) & mask) {
            Sequence v = values[i];
            if (v == null) {
                return null;
            }
            if (keys[i] == id) {
                return v;
            }
        }
    }

    void put(long id, Sequence s) {
        if ((size + 1) * 2 > keys.length) {
            grow();
        }
        int mask = keys.length - 1;
        for (int i = slot(id, mask); ; i = (i + 1) & mask) {
            if (values[i] == null) {
                keys[i] = id;
                values[i] = s;
                size++;
                return;
            }
            if (keys[i] == id) {
                values[i] = s;
                return;
            }
        }
    }

    void remove(long id) {
        int mask = keys.length - 1;
        int i = slot(id, mask);
        while (values[i] != null && keys[i] != id) {
            i = (i + 1) & mask;
        }
        if (values[i] == null) {
            return;
        }
        values[i] = null;
        size--;
        // re-insert the rest of the cluster (linear probing deletion)
        for (int j = (i + 1) & mask; values[j] != null; j = (j + 1) & mask) {
            long k = keys[j];
            Sequence v = values[j];
            values[j] = null;
            size--;
            put(k, v);
        }
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** A snapshot of the values. */
    List<Sequence> values() {
        List<Sequence> out = new ArrayList<>(size);
        for (Sequence s : values) {
            if (s != null) {
                out.add(s);
            }
        }
        return out;
    }

    private void grow() {
        long[] oldKeys = keys;
        Sequence[] oldValues = values;
        keys = new long[oldKeys.length * 2];
        values = new Sequence[oldValues.length * 2];
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldValues[i] != null) {
                put(oldKeys[i], oldValues[i]);
            }
        }
    }

    private static int slot(long id, int mask) {
        long h = id * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }

    @Override
    public String toString() {
        return "SequenceTable" + Arrays.toString(values().stream().mapToLong(s -> s.id).toArray());
    }
}
