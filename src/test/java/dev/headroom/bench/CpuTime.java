package dev.headroom.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The CPU time this machine's processes have used, split into the load generator (this JVM),
 * PostgreSQL's processes, the other JVMs (the Headroom servers under load) and the rest (the
 * kernel's work for no process, wrk, pgbench). Taken before and after a phase, the difference per
 * request says which part a request's cost is in: with server, database and load on the same two
 * cores, a rate is bounded by the sum.
 */
record CpuTime(double load, double postgres, double servers, double machine) {
    private static final long SELF = ProcessHandle.current().pid();
    private static final double TICKS_PER_SECOND = 100; // USER_HZ, 100 on Linux

    static CpuTime now() {
        double load = 0;
        double postgres = 0;
        double servers = 0;
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path proc : procs) {
                String stat;
                try {
                    stat = Files.readString(proc.resolve("stat"));
                } catch (IOException gone) {
                    continue; // exited since the listing
                }
                // "pid (comm) state ..." where comm may hold spaces: fields count from its ')'.
                int close = stat.lastIndexOf(')');
                String comm = stat.substring(stat.indexOf('(') + 1, close);
                String[] fields = stat.substring(close + 2).split(" ");
                // utime and stime are fields 14 and 15 of the line, 12 and 13 after the comm.
                double seconds =
                        (Long.parseLong(fields[11]) + Long.parseLong(fields[12]))
                                / TICKS_PER_SECOND;
                long pid = Long.parseLong(proc.getFileName().toString());
                if (pid == SELF) {
                    load += seconds;
                } else if (comm.equals("postgres")) {
                    postgres += seconds;
                } else if (comm.equals("java")) {
                    servers += seconds;
                }
            }
            return new CpuTime(load, postgres, servers, GatewayBenchmark.machineBusySeconds());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Each part's CPU per unit (request or event) from this snapshot to now, in microseconds. */
    String since(double units, String unit) {
        CpuTime after = now();
        double load = (after.load - this.load) / units * 1e6;
        double postgres = (after.postgres - this.postgres) / units * 1e6;
        double servers = (after.servers - this.servers) / units * 1e6;
        double machine = (after.machine - this.machine) / units * 1e6;
        return String.format(
                Locale.ROOT,
                "cpu/%s %4.0f us: server %4.0f, postgres %4.0f, load %4.0f, rest %4.0f",
                unit,
                machine,
                servers,
                postgres,
                load,
                machine - servers - postgres - load);
    }
}
