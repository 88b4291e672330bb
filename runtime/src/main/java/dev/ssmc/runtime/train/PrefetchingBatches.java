package dev.ssmc.runtime.train;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The batches of an epoch, made ahead on one background thread so that loading overlaps the
 * caller's compute. Since {@link EpochBatches#batch(int)} is a pure function of the index, the
 * batches are the same as the plain iterator's whatever the timing. The thread is a daemon; it
 * ends when the epoch is consumed or the iterator closed (or a second after its last batch if
 * neither). Made by {@link EpochBatches#prefetching(int)}; not thread-safe itself (one consumer).
 */
public final class PrefetchingBatches<B> implements Iterator<B>, AutoCloseable {
    private final EpochBatches<B> source;
    private final ExecutorService worker;
    private final ArrayDeque<Future<B>> ready = new ArrayDeque<>();
    private int submitted;
    private int returned;

    PrefetchingBatches(EpochBatches<B> source, int depth) {
        if (depth < 1) {
            throw new IllegalArgumentException("prefetch depth must be at least 1, not " + depth);
        }
        this.source = source;
        ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 1, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                task -> {
                    Thread t = new Thread(task, "ssmc-batches-epoch-" + source.epoch());
                    t.setDaemon(true);
                    return t;
                });
        // an iterator dropped without close() then costs no idle thread once its queue is done
        pool.allowCoreThreadTimeOut(true);
        this.worker = pool;
        while (submitted < Math.min(depth, source.batchCount())) {
            submitNext();
        }
    }

    private void submitNext() {
        int index = submitted++;
        ready.add(worker.submit(() -> source.batch(index)));
    }

    @Override
    public boolean hasNext() {
        return returned < source.batchCount();
    }

    /**
     * The next batch, waiting for it if it is not made yet.
     *
     * @throws IllegalStateException if making it failed (the cause attached) or the wait was
     *     interrupted
     */
    @Override
    public B next() {
        if (!hasNext()) {
            throw new NoSuchElementException("the epoch has " + source.batchCount() + " batches");
        }
        if (worker.isShutdown()) {
            throw new IllegalStateException("this prefetching iterator is closed");
        }
        Future<B> next = ready.poll();
        if (submitted < source.batchCount()) {
            submitNext();
        }
        returned++;
        try {
            B batch = next.get();
            if (!hasNext()) {
                worker.shutdown();
            }
            return batch;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for batch " + (returned - 1), e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException("making batch " + (returned - 1) + " failed", cause);
        }
    }

    /** Stops the background thread; batches not yet taken are dropped. */
    @Override
    public void close() {
        worker.shutdownNow();
        ready.clear();
    }
}
