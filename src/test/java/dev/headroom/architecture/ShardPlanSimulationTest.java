package dev.headroom.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Issue 15, item 6: the plan for beyond one PostgreSQL (docs/decisions/0009) simulated at 1,000,000
 * members and 10,000 settlements/s. Orgs are placed whole on shards through a directory (org id to
 * shard); the simulation sizes the shards, sends a minute of settlements through the directory,
 * adds a shard and moves orgs to it, and measures what a move's freeze holds back. Its figures go
 * to {@code target/bench/shards.txt} and into the decision record; its assertions are the plan's
 * promises.
 */
class ShardPlanSimulationTest {
    static final long SEED = 15;
    static final int MEMBERS = 1_000_000;
    static final int SETTLEMENTS_PER_SECOND = 10_000;
    static final int SIMULATED_SECONDS = 60;
    // What one shard (one PostgreSQL and its nodes) sustains: single usage reports per second as
    // one node settled them on this 2-core machine's external PostgreSQL (bench/nodes.sh, three
    // runs: 594-764/s across 100 orgs, 1,090-1,236/s for one org), rounded — far below what a
    // production PostgreSQL on more cores does, so the plan is conservative. Shards are planned
    // at 80 % of it.
    static final int SHARD_CAPACITY_PER_SECOND = 1_000;
    static final double PLANNED_UTILISATION = 0.8;
    // A usage_event row with its primary key as PostgreSQL stores it, with its share of
    // usage_daily: a planning assumption, not measured here.
    static final int BYTES_PER_EVENT = 400;
    // A move copies the org's rows in the background, then freezes the org only for the rows
    // written since the copy began, at this rate (COPY between two PostgreSQL servers on a LAN,
    // planned low).
    static final int COPY_ROWS_PER_SECOND = 50_000;
    // Each node holds an org's reports during the freeze in its lane's queue; no node has more
    // requests in flight than Tomcat's connection limit (server.tomcat.max-connections, 8,192).
    static final int IN_FLIGHT_BOUND = 8_192;

    /** An org: its members and the settlements per second they send. */
    record Org(int id, int members, double perSecond) {}

    @Test
    void aMillionMembersAtTenThousandSettlementsPerSecondOnShardsByOrg() throws IOException {
        SplittableRandom random = new SplittableRandom(SEED);
        List<Org> orgs = population(random);
        List<String> out =
                new ArrayList<>() {
                    @Override
                    public boolean add(String line) {
                        System.out.println(line);
                        return super.add(line);
                    }
                };
        int largest = orgs.stream().mapToInt(Org::members).max().orElseThrow();
        double largestRate = orgs.stream().mapToDouble(Org::perSecond).max().orElseThrow();
        out.add(
                String.format(
                        Locale.ROOT,
                        "population: %,d members in %,d orgs (largest %,d members, %.0f settlements/s), %,d settlements/s in all",
                        MEMBERS,
                        orgs.size(),
                        largest,
                        largestRate,
                        SETTLEMENTS_PER_SECOND));

        int shards =
                (int)
                        Math.ceil(
                                SETTLEMENTS_PER_SECOND
                                        / (SHARD_CAPACITY_PER_SECOND * PLANNED_UTILISATION));
        int[] directory = place(orgs, shards);
        double[] load = new double[shards];
        long[] members = new long[shards];
        for (Org o : orgs) {
            load[directory[o.id()]] += o.perSecond();
            members[directory[o.id()]] += o.members();
        }
        out.add(
                String.format(
                        Locale.ROOT,
                        "placement: %d shards of %,d settlements/s each, planned at 80 %%; expected load per shard min %.0f / max %.0f /s; members per shard min %,d / max %,d",
                        shards,
                        SHARD_CAPACITY_PER_SECOND,
                        Arrays.stream(load).min().orElseThrow(),
                        Arrays.stream(load).max().orElseThrow(),
                        Arrays.stream(members).min().orElseThrow(),
                        Arrays.stream(members).max().orElseThrow()));
        // The busiest org fits one shard: an org never spans shards.
        assertThat(largestRate).isLessThan(SHARD_CAPACITY_PER_SECOND);
        assertThat(Arrays.stream(load).max().orElseThrow()).isLessThan(SHARD_CAPACITY_PER_SECOND);

        // A minute of settlements, each routed by the directory: every one touches one shard only.
        long[] sent = new long[shards];
        long[] peakSecond = new long[shards];
        double[] cumulative = cumulative(orgs);
        for (int second = 0; second < SIMULATED_SECONDS; second++) {
            long[] thisSecond = new long[shards];
            int arrivals = poisson(random, SETTLEMENTS_PER_SECOND);
            for (int i = 0; i < arrivals; i++) {
                Org o = orgs.get(pick(cumulative, random.nextDouble()));
                thisSecond[directory[o.id()]]++;
            }
            for (int s = 0; s < shards; s++) {
                sent[s] += thisSecond[s];
                peakSecond[s] = Math.max(peakSecond[s], thisSecond[s]);
            }
        }
        long peak = Arrays.stream(peakSecond).max().orElseThrow();
        long total = Arrays.stream(sent).sum();
        out.add(
                String.format(
                        Locale.ROOT,
                        "a simulated minute: %,d settlements, each on one shard; busiest shard second %,d settlements (%.0f %% of its planned capacity); events per shard and day up to %,.0f (%.1f GiB a month)",
                        total,
                        peak,
                        100.0 * peak / SHARD_CAPACITY_PER_SECOND,
                        Arrays.stream(load).max().orElseThrow() * 86_400,
                        Arrays.stream(load).max().orElseThrow()
                                * 86_400
                                * 30
                                * BYTES_PER_EVENT
                                / (1 << 30)));
        assertThat(total)
                .isBetween(
                        (long) (SETTLEMENTS_PER_SECOND * SIMULATED_SECONDS * 0.99),
                        (long) (SETTLEMENTS_PER_SECOND * SIMULATED_SECONDS * 1.01));
        assertThat(peak).isLessThan(SHARD_CAPACITY_PER_SECOND);

        // A shard is added: orgs move to it, busiest shards' smallest-first, until it carries its
        // share.
        int[] after = Arrays.copyOf(directory, directory.length);
        double[] loadAfter = Arrays.copyOf(load, shards + 1);
        double share = SETTLEMENTS_PER_SECOND / (double) (shards + 1);
        List<Org> moved = rebalanceOnto(orgs, after, loadAfter, shards, share);
        long movedMembers = moved.stream().mapToLong(Org::members).sum();
        double movedRate = moved.stream().mapToDouble(Org::perSecond).sum();
        // What mod-N hashing would have moved: every org whose hash lands elsewhere with one more
        // shard.
        long hashMoved =
                orgs.stream().filter(o -> o.id() % shards != o.id() % (shards + 1)).count();
        out.add(
                String.format(
                        Locale.ROOT,
                        "adding shard %d: %,d orgs moved (%,d members, %.0f settlements/s, %.1f %% of the load; mod-N hashing would move %,d orgs, %.0f %%); new shard carries %.0f /s",
                        shards + 1,
                        moved.size(),
                        movedMembers,
                        movedRate,
                        100 * movedRate / SETTLEMENTS_PER_SECOND,
                        hashMoved,
                        100.0 * hashMoved / orgs.size(),
                        loadAfter[shards]));
        assertThat(movedRate).isLessThan(1.5 * share);

        // One move: the largest org moved. Copy in the background while it settles on the old
        // shard,
        // then the freeze: its rows since the copy began, copied at COPY_ROWS_PER_SECOND.
        Org biggest = orgs.stream().max(Comparator.comparingDouble(Org::perSecond)).orElseThrow();
        long monthRows = (long) (biggest.perSecond() * 86_400 * 30);
        double copySeconds = monthRows / (double) COPY_ROWS_PER_SECOND;
        double deltaRows = biggest.perSecond() * copySeconds;
        // Catch-up rounds shrink the delta until one round is short; then the freeze copies the
        // rest.
        int rounds = 0;
        while (deltaRows / COPY_ROWS_PER_SECOND > 0.2 && rounds < 10) {
            deltaRows = biggest.perSecond() * (deltaRows / COPY_ROWS_PER_SECOND);
            rounds++;
        }
        double freezeSeconds =
                deltaRows / COPY_ROWS_PER_SECOND + 0.05; // + the directory's acknowledged write
        double heldBack = biggest.perSecond() * freezeSeconds;
        out.add(
                String.format(
                        Locale.ROOT,
                        "moving the busiest org (%,d members, %.0f settlements/s, %,d event rows this month): background copy %.0f s, %d catch-up rounds, freeze %.0f ms holding back %.0f reports (a node holds at most %,d requests in flight)",
                        biggest.members(),
                        biggest.perSecond(),
                        monthRows,
                        copySeconds,
                        rounds,
                        freezeSeconds * 1000,
                        heldBack,
                        IN_FLIGHT_BOUND));
        assertThat(heldBack).isLessThan(IN_FLIGHT_BOUND);

        Path result = Path.of("target/bench/shards.txt");
        Files.createDirectories(result.getParent());
        Files.write(result, out);
    }

    /**
     * Orgs until a million members: nine in ten teams of 3 to 150 seats, the rest seat-based
     * enterprises with a heavy tail (Pareto, 150 to 40,000 seats). A member sends settlements at an
     * org-wide activity drawn log-normally, scaled so that all together send the target rate.
     */
    private static List<Org> population(SplittableRandom random) {
        List<Integer> sizes = new ArrayList<>();
        int total = 0;
        while (total < MEMBERS) {
            int size =
                    random.nextDouble() < 0.9
                            ? 3 + (int) (147 * Math.pow(random.nextDouble(), 2))
                            : (int)
                                    Math.min(
                                            40_000,
                                            150 / Math.pow(1 - random.nextDouble(), 1 / 1.1));
            size = Math.min(size, MEMBERS - total);
            sizes.add(size);
            total += size;
        }
        double[] activity = new double[sizes.size()];
        double weight = 0;
        for (int i = 0; i < sizes.size(); i++) {
            activity[i] = Math.exp(0.5 * random.nextGaussian());
            weight += activity[i] * sizes.get(i);
        }
        List<Org> orgs = new ArrayList<>();
        for (int i = 0; i < sizes.size(); i++) {
            int m = sizes.get(i);
            orgs.add(new Org(i, m, SETTLEMENTS_PER_SECOND * activity[i] * m / weight));
        }
        return orgs;
    }

    /** Busiest org first onto the least loaded shard; the directory is what the nodes read. */
    private static int[] place(List<Org> orgs, int shards) {
        int[] directory = new int[orgs.size()];
        PriorityQueue<double[]> least = new PriorityQueue<>(Comparator.comparingDouble(s -> s[1]));
        for (int s = 0; s < shards; s++) {
            least.add(new double[] {s, 0});
        }
        orgs.stream()
                .sorted(Comparator.comparingDouble(Org::perSecond).reversed())
                .forEach(o -> {
                    double[] shard = least.poll();
                    directory[o.id()] = (int) shard[0];
                    shard[1] += o.perSecond();
                    least.add(shard);
                });
        return directory;
    }

    /**
     * Moves whole orgs onto the new shard until it carries its share: the busiest that still fit
     * first (few moves), each from a shard that stays at or above its share.
     */
    private static List<Org> rebalanceOnto(
            List<Org> orgs, int[] directory, double[] load, int newShard, double share) {
        List<Org> moved = new ArrayList<>();
        List<Org> busiestFirst = new ArrayList<>(orgs);
        busiestFirst.sort(Comparator.comparingDouble(Org::perSecond).reversed());
        for (Org o : busiestFirst) {
            int from = directory[o.id()];
            if (load[newShard] + o.perSecond() <= share
                    && load[from] - o.perSecond() >= share * 0.98) {
                load[from] -= o.perSecond();
                load[newShard] += o.perSecond();
                directory[o.id()] = newShard;
                moved.add(o);
            }
        }
        return moved;
    }

    private static double[] cumulative(List<Org> orgs) {
        double[] c = new double[orgs.size()];
        double sum = 0;
        for (int i = 0; i < c.length; i++) {
            sum += orgs.get(i).perSecond();
            c[i] = sum;
        }
        for (int i = 0; i < c.length; i++) {
            c[i] /= sum;
        }
        return c;
    }

    private static int pick(double[] cumulative, double u) {
        int i = Arrays.binarySearch(cumulative, u);
        return Math.min(cumulative.length - 1, i >= 0 ? i : -i - 1);
    }

    /** Arrivals in one second (normal approximation; the mean is large). */
    private static int poisson(SplittableRandom random, double mean) {
        return (int) Math.max(0, Math.round(mean + Math.sqrt(mean) * random.nextGaussian()));
    }
}
