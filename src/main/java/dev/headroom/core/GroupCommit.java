package dev.headroom.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Group commit (issues 6 and 15): concurrent settlements queued under one key (a lane, which many
 * orgs share) are committed together, in one transaction, so a hot org's counter rows are written
 * once per group instead of once per event, and one fsync covers the reports of every org in the
 * group. Each caller gets its answer only after the commit that holds its event.
 *
 * <p>No timer: whoever holds a lane's lock commits everything queued in that lane when it gets the
 * lock. Events that arrive during a commit wait for it to end (one commit time at most) and then go
 * together. A quiet lane commits each event alone, at once.
 *
 * <p>A caller whose report is committed by another is woken by that commit, not by the lock: were
 * they all queued on the lock, each would take and give it back in turn before the next group's
 * committer got it, one thread wake-up after another on a busy machine. The committer, once its own
 * report is answered, gives the lock back and wakes the caller at the head of the queue, who
 * commits the next group.
 *
 * @param <T> a queued item; its {@link Item#answer()} is completed by the commit
 */
public final class GroupCommit<T extends GroupCommit.Item<?>> {

    /** Something to commit, and where its caller waits for the answer. */
    public interface Item<R> {
        CompletableFuture<R> answer();

        /** What the item counts towards a group's size (a batch counts its events). */
        default int weight() {
            return 1;
        }
    }

    // Past this many lanes, idle ones are dropped: a lane is only a queue and a lock, and a new one
    // is made at the next report (for a moment two committers of one lane are harmless).
    public static final int LANES_MAX = 10_000;

    // The largest total weight of a group; an item heavier than this goes alone.
    private final int weightPerGroupMax;
    private final Map<String, Lane<T>> lanes = new ConcurrentHashMap<>();

    private static final class Lane<T> {
        final ConcurrentLinkedQueue<Waiting<T>> queue = new ConcurrentLinkedQueue<>();
        final ReentrantLock lock = new ReentrantLock();
    }

    /** A queued item and the caller to wake when it is answered or its turn to commit comes. */
    private record Waiting<T>(T item, Thread caller) {}

    public GroupCommit(int weightPerGroupMax) {
        this.weightPerGroupMax = weightPerGroupMax;
    }

    /** How many items wait under {@code key} (for tests and metrics). */
    public int waiting(String key) {
        Lane<T> lane = lanes.get(key);
        return lane == null ? 0 : lane.queue.size();
    }

    /**
     * Queues {@code item} under {@code key} and returns once it is answered. {@code commit} gets
     * whole groups and must complete every item's answer, normally or exceptionally.
     */
    public void submit(String key, T item, Consumer<List<T>> commit) {
        submitAll(key, List.of(item), commit);
    }

    /**
     * Queues {@code items} under {@code key} at once, in their order, and returns once each is
     * answered: one caller's many items go in one group (or, past the group's weight, in as few as
     * fit) without a thread for each of them.
     */
    public void submitAll(String key, List<T> items, Consumer<List<T>> commit) {
        if (lanes.size() > LANES_MAX) {
            lanes.entrySet()
                    .removeIf(e -> e.getValue().queue.isEmpty() && !e.getValue().lock.isLocked());
        }
        Lane<T> lane = lanes.computeIfAbsent(key, k -> new Lane<>());
        Thread caller = Thread.currentThread();
        items.forEach(item -> lane.queue.add(new Waiting<>(item, caller)));
        boolean interrupted = false;
        // Whoever committed before may already have committed these items with its group.
        while (!allAnswered(items)) {
            if (lane.lock.tryLock()) {
                try {
                    commitUntilAnswered(lane, items, commit);
                } finally {
                    lane.lock.unlock();
                }
                // Anyone queued while the lock was held failed to take it and waits to be woken.
                Waiting<T> next = lane.queue.peek();
                if (next != null) {
                    LockSupport.unpark(next.caller());
                }
            } else {
                // Woken when one of these items' groups is committed, or when the lock is given
                // back with one of them at the head of the queue.
                LockSupport.park(this);
                interrupted |= Thread.interrupted();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static boolean allAnswered(List<? extends Item<?>> items) {
        for (Item<?> item : items) {
            if (!item.answer().isDone()) {
                return false;
            }
        }
        return true;
    }

    private void commitUntilAnswered(Lane<T> lane, List<T> mine, Consumer<List<T>> commit) {
        while (!allAnswered(mine) && !lane.queue.isEmpty()) {
            List<Waiting<T>> group = new ArrayList<>();
            int weight = 0;
            for (Waiting<T> next; (next = lane.queue.peek()) != null; ) {
                if (!group.isEmpty() && weight + next.item().weight() > weightPerGroupMax) {
                    break;
                }
                group.add(lane.queue.poll());
                weight += next.item().weight();
            }
            List<T> items = group.stream().map(Waiting::item).toList();
            Throwable failure = null;
            try {
                commit.accept(items);
            } catch (RuntimeException | Error e) {
                failure = e;
            }
            for (T i : items) {
                if (!i.answer().isDone()) {
                    // A caller left unanswered would wait for ever; it is told instead.
                    i.answer()
                            .completeExceptionally(
                                    failure != null
                                            ? failure
                                            : new IllegalStateException(
                                                    "the commit did not answer the item"));
                }
            }
            Thread previous = Thread.currentThread();
            for (Waiting<T> w : group) {
                // One wake-up per caller, however many of its items the group held in a row.
                if (w.caller() != previous) {
                    LockSupport.unpark(w.caller());
                    previous = w.caller();
                }
            }
        }
    }
}
