package dev.railyard.host.loadgen;

/** Where the load goes: a server over HTTP or an engine in this process. Thread-safe. */
public interface LoadTarget extends AutoCloseable {

    /** Sends one request, blocks until it ends, and returns what it measured; never throws for a failed request. */
    RequestRecord send(WorkItem item);

    /** One line: the URL or engine, and the model. */
    String describe();

    /** The model's context length, or 0 when unknown. */
    int maxContextLength();

    @Override
    void close();
}
