package dev.headroom.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Issue 6: how concurrent single settlements are grouped into commits. */
class GroupCommitTest {
    record Job(int n, int weight, CompletableFuture<Integer> answer)
            implements GroupCommit.Item<Integer> {
        Job(int n) {
            this(n, 1);
        }

        Job(int n, int weight) {
            this(n, weight, new CompletableFuture<>());
        }
    }

    /** A commit that records its groups; the first one blocks until {@link #release}. */
    static final class Recorder implements Consumer<List<Job>> {
        final List<List<Integer>> groups = Collections.synchronizedList(new ArrayList<>());
        final CountDownLatch firstStarted = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public void accept(List<Job> group) {
            groups.add(group.stream().map(Job::n).sorted().toList());
            if (groups.size() == 1) {
                firstStarted.countDown();
                await(release);
            }
            group.forEach(j -> j.answer().complete(j.n() * 10));
        }
    }

    /** Jobs 1–5 queued behind the commit that is running (held until {@code commit.release}). */
    static List<Job> fiveQueued(GroupCommit<Job> groups, Recorder commit, ExecutorService threads)
            throws InterruptedException {
        List<Job> jobs = new ArrayList<>();
        for (int n = 1; n <= 5; n++) {
            Job job = new Job(n);
            jobs.add(job);
            threads.submit(() -> groups.submit("org", job, commit));
        }
        waitUntil(() -> groups.waiting("org") == 5);
        return jobs;
    }

    static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static void waitUntil(java.util.function.BooleanSupplier condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition reached in time").isLessThan(deadline);
            Thread.sleep(1);
        }
    }

    /** A commit that answers each job with its number and counts jobs committed twice. */
    static final class CountingCommit implements Consumer<List<Job>> {
        final Set<Integer> committed = ConcurrentHashMap.newKeySet();
        final AtomicInteger twice = new AtomicInteger();
        final AtomicInteger largest = new AtomicInteger();

        @Override
        public void accept(List<Job> group) {
            largest.accumulateAndGet(group.size(), Math::max);
            for (Job j : group) {
                if (!committed.add(j.n())) {
                    twice.incrementAndGet();
                }
                j.answer().complete(j.n());
            }
        }
    }

    /** Runs {@code caller} for 0 .. callers-1, each on a virtual thread of its own, to the end. */
    static void runCallers(int callers, java.util.function.IntConsumer caller) throws Exception {
        List<Future<?>> running = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < callers; c++) {
                int n = c;
                running.add(threads.submit(() -> caller.accept(n)));
            }
            for (Future<?> f : running) {
                f.get(60, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void reportsArrivingDuringACommitAreCommittedTogetherInTheNext() throws Exception {
        GroupCommit<Job> groups = new GroupCommit<>(100);
        Recorder commit = new Recorder();
        List<Job> jobs;
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Job first = new Job(0);
            Future<?> leader = threads.submit(() -> groups.submit("org", first, commit));
            await(commit.firstStarted);
            jobs = fiveQueued(groups, commit, threads);
            commit.release.countDown();
            leader.get(10, TimeUnit.SECONDS);
            assertThat(first.answer().get()).isZero();
        }
        assertThat(commit.groups).containsExactly(List.of(0), List.of(1, 2, 3, 4, 5));
        for (Job job : jobs) {
            assertThat(job.answer().get()).isEqualTo(job.n() * 10);
        }
    }

    @Test
    void batchesCountTheirEventsTowardsTheLimitAndAHeavyOneGoesAlone() throws Exception {
        GroupCommit<Job> groups = new GroupCommit<>(10);
        Recorder commit = new Recorder();
        int[] weights = {4, 4, 4, 20, 1, 1};
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            threads.submit(() -> groups.submit("org", new Job(0), commit));
            await(commit.firstStarted);
            for (int n = 1; n <= weights.length; n++) {
                Job job = new Job(n, weights[n - 1]);
                threads.submit(() -> groups.submit("org", job, commit));
                int queued = n;
                waitUntil(() -> groups.waiting("org") == queued); // keeps the queue's order
            }
            commit.release.countDown();
        }
        // Jobs 1–6 weigh 4, 4, 4, 20, 1, 1: no group passes 10 unless one job alone does.
        assertThat(commit.groups)
                .containsExactly(List.of(0), List.of(1, 2), List.of(3), List.of(4), List.of(5, 6));
    }

    @Test
    void aGroupHoldsAtMostTheLimitAndEveryReportIsAnswered() throws Exception {
        GroupCommit<Job> groups = new GroupCommit<>(2);
        Recorder commit = new Recorder();
        List<Job> jobs;
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            threads.submit(() -> groups.submit("org", new Job(0), commit));
            await(commit.firstStarted);
            jobs = fiveQueued(groups, commit, threads);
            commit.release.countDown();
        }
        assertThat(commit.groups).hasSize(4);
        assertThat(commit.groups.subList(1, 4))
                .allSatisfy(g -> assertThat(g).hasSizeLessThanOrEqualTo(2));
        assertThat(commit.groups.stream().mapToInt(List::size).sum()).isEqualTo(6);
        for (Job job : jobs) {
            assertThat(job.answer().get()).isEqualTo(job.n() * 10);
        }
    }

    @Test
    void aFailedCommitFailsEveryReportOfItsGroupAndNoOther() throws Exception {
        GroupCommit<Job> groups = new GroupCommit<>(100);
        Job failing = new Job(1);
        groups.submit(
                "org",
                failing,
                group -> {
                    throw new IllegalStateException("database down");
                });
        assertThatThrownBy(() -> failing.answer().get())
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(IllegalStateException.class);
        Job next = new Job(2);
        groups.submit("org", next, group -> group.forEach(j -> j.answer().complete(j.n())));
        assertThat(next.answer().get()).isEqualTo(2);
    }

    @Test
    void orgsDoNotWaitForEachOther() throws Exception {
        GroupCommit<Job> groups = new GroupCommit<>(100);
        Recorder slow = new Recorder();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            threads.submit(() -> groups.submit("org-a", new Job(1), slow));
            await(slow.firstStarted);
            Job other = new Job(2);
            groups.submit("org-b", other, group -> group.forEach(j -> j.answer().complete(7)));
            assertThat(other.answer().get()).isEqualTo(7);
            slow.release.countDown();
        }
    }

    @Test
    void manyCallersOnFewLanesAreEachCommittedOnceAndAnswered() throws Exception {
        GroupCommit<Job> groups = new GroupCommit<>(8);
        CountingCommit commit = new CountingCommit();
        int callers = 64;
        int each = 200;
        List<Job> jobs = Collections.synchronizedList(new ArrayList<>());
        runCallers(
                callers,
                caller -> {
                    for (int k = 0; k < each; k++) {
                        Job job = new Job(caller * each + k);
                        jobs.add(job);
                        groups.submit("lane-" + (caller % 4), job, commit);
                        // submit returns only once the item is answered
                        assertThat(job.answer()).isDone();
                    }
                });
        assertThat(jobs).hasSize(callers * each);
        for (Job job : jobs) {
            assertThat(job.answer().get()).isEqualTo(job.n());
        }
        assertThat(commit.committed).hasSize(callers * each);
        assertThat(commit.twice).hasValue(0);
        assertThat(commit.largest.get()).isBetween(1, 8);
    }

    @Test
    void oneCallersItemsGoTogetherInTheirOrderAsFarAsTheLimitAllows() {
        GroupCommit<Job> groups = new GroupCommit<>(2);
        List<List<Integer>> committed = new ArrayList<>();
        List<Job> jobs = List.of(new Job(1), new Job(2), new Job(3), new Job(4), new Job(5));
        groups.submitAll(
                "lane",
                jobs,
                group -> {
                    committed.add(group.stream().map(Job::n).toList());
                    group.forEach(j -> j.answer().complete(j.n() * 10));
                });
        assertThat(committed).containsExactly(List.of(1, 2), List.of(3, 4), List.of(5));
        assertThat(jobs).allSatisfy(j -> assertThat(j.answer()).isCompletedWithValue(j.n() * 10));
    }

    @Test
    void itemsQueuedTogetherBehindARunningCommitGoInTheNextGroupWithTheOthers() throws Exception {
        GroupCommit<Job> groups = new GroupCommit<>(100);
        Recorder commit = new Recorder();
        List<Job> batch = List.of(new Job(1), new Job(2), new Job(3), new Job(4), new Job(5));
        Job single = new Job(6);
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            threads.submit(() -> groups.submit("lane", new Job(0), commit));
            await(commit.firstStarted);
            Future<?> together = threads.submit(() -> groups.submitAll("lane", batch, commit));
            waitUntil(() -> groups.waiting("lane") == 5);
            threads.submit(() -> groups.submit("lane", single, commit));
            waitUntil(() -> groups.waiting("lane") == 6);
            commit.release.countDown();
            together.get(10, TimeUnit.SECONDS);
            assertThat(batch).allSatisfy(j -> assertThat(j.answer()).isDone());
        }
        assertThat(commit.groups).containsExactly(List.of(0), List.of(1, 2, 3, 4, 5, 6));
        assertThat(single.answer().get()).isEqualTo(60);
    }

    @Test
    void callersOfManyItemsEachAndOfOneAreEachCommittedOnceAndAnswered() throws Exception {
        GroupCommit<Job> groups = new GroupCommit<>(8);
        CountingCommit commit = new CountingCommit();
        int callers = 32;
        int rounds = 40;
        List<Job> jobs = Collections.synchronizedList(new ArrayList<>());
        runCallers(
                callers,
                caller -> {
                    for (int r = 0; r < rounds; r++) {
                        // Even callers hand over 13 items at a time, odd ones one.
                        int size = caller % 2 == 0 ? 13 : 1;
                        List<Job> mine = new ArrayList<>();
                        for (int k = 0; k < size; k++) {
                            mine.add(new Job((caller * rounds + r) * 13 + k));
                        }
                        jobs.addAll(mine);
                        groups.submitAll("lane-" + (caller % 3), mine, commit);
                        assertThat(mine).allSatisfy(j -> assertThat(j.answer()).isDone());
                    }
                });
        assertThat(jobs).hasSize(callers / 2 * rounds * 14);
        for (Job job : jobs) {
            assertThat(job.answer().get()).isEqualTo(job.n());
        }
        assertThat(commit.committed).hasSize(jobs.size());
        assertThat(commit.twice).hasValue(0);
        assertThat(commit.largest.get()).isBetween(1, 8);
    }

    @Test
    void aCommitThatLeavesAnItemUnansweredFailsItInsteadOfWaitingForEver() {
        GroupCommit<Job> groups = new GroupCommit<>(100);
        Job forgotten = new Job(1);
        groups.submit("org", forgotten, group -> {});
        assertThatThrownBy(() -> forgotten.answer().get())
                .isInstanceOf(ExecutionException.class)
                .hasMessageContaining("the commit did not answer the item");
    }
}
