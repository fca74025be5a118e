package dev.railyard.host.engine;

import java.util.Arrays;

/** A growable list of ints without boxing. Not thread-safe. */
public final class IntList {

    private int[] items;
    private int size;

    public IntList(int capacity) {
        items = new int[Math.max(4, capacity)];
    }

    public static IntList of(int[] values) {
        IntList l = new IntList(values.length + 16);
        l.addAll(values);
        return l;
    }

    public void add(int v) {
        if (size == items.length) {
            items = Arrays.copyOf(items, items.length * 2);
        }
        items[size++] = v;
    }

    public void addAll(int[] values) {
        if (size + values.length > items.length) {
            items = Arrays.copyOf(items, Math.max(items.length * 2, size + values.length));
        }
        System.arraycopy(values, 0, items, size, values.length);
        size += values.length;
    }

    public int get(int i) {
        if (i >= size) {
            throw new IndexOutOfBoundsException(i + " >= " + size);
        }
        return items[i];
    }

    public int size() {
        return size;
    }

    public int last() {
        return items[size - 1];
    }

    /** Drops elements from {@code newSize} on. */
    public void truncate(int newSize) {
        if (newSize < 0 || newSize > size) {
            throw new IndexOutOfBoundsException(newSize);
        }
        size = newSize;
    }

    public void clear() {
        size = 0;
    }

    /**
     * The backing array itself (its first {@link #size()} elements are the list); valid until the
     * list next grows. For handing to a backend for one step without a copy.
     */
    public int[] backingArray() {
        return items;
    }

    public int[] toArray() {
        return Arrays.copyOf(items, size);
    }

    /** Copies {@code [from, from+len)} into {@code dst[dstOffset..]}. */
    public void copyTo(int from, int[] dst, int dstOffset, int len) {
        System.arraycopy(items, from, dst, dstOffset, len);
    }

    public int[] copyOfRange(int from, int to) {
        return Arrays.copyOfRange(items, from, to);
    }
}
