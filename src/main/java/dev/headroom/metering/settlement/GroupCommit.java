package dev.headroom.metering.settlement;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
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
        final ConcurrentLinkedQueue<T> queue = new ConcurrentLinkedQueue<>();
        final ReentrantLock lock = new ReentrantLock();
    }

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
        if (lanes.size() > LANES_MAX) {
            lanes.entrySet()
                    .removeIf(e -> e.getValue().queue.isEmpty() && !e.getValue().lock.isLocked());
        }
        Lane<T> lane = lanes.computeIfAbsent(key, k -> new Lane<>());
        lane.queue.add(item);
        lane.lock.lock();
        try {
            // Whoever held the lock before may already have committed this item with its group.
            while (!item.answer().isDone()) {
                List<T> group = new ArrayList<>();
                int weight = 0;
                for (T next; (next = lane.queue.peek()) != null; ) {
                    if (!group.isEmpty() && weight + next.weight() > weightPerGroupMax) {
                        break;
                    }
                    group.add(lane.queue.poll());
                    weight += next.weight();
                }
                try {
                    commit.accept(group);
                } catch (RuntimeException | Error e) {
                    group.forEach(i -> i.answer().completeExceptionally(e));
                }
            }
        } finally {
            lane.lock.unlock();
        }
    }
}
