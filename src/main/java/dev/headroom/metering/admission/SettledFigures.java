package dev.headroom.metering.admission;

import dev.headroom.core.StateChanges;
import dev.headroom.core.db.DbSnapshot;
import dev.headroom.metering.rules.WindowUsage;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a committed settlement left of admission state, exactly: the figures its own writes
 * returned, and the transaction that wrote them (issue 14). The {@link AdmissionCache} brings a
 * kept part up to date with them instead of dropping it, so the member's next admission needs no
 * database read. A part whose figures are ahead of the settlement's (a later commit is in it) is
 * dropped instead: figures only grow, a window's start only moves on.
 */
public final class SettledFigures {
    private SettledFigures() {}

    /**
     * A member's: their extra spend per billing period after the settlement, and their windows
     * after its charges.
     */
    public record Member(long xid, Map<String, Long> extraAfter, List<WindowUsage> windows)
            implements StateChanges.Settled {
        public Member {
            extraAfter = Map.copyOf(extraAfter);
            windows = List.copyOf(windows);
        }

        /** {@code part} with these figures; {@code null} when it is ahead of them. */
        AdmissionCache.MemberPart applyTo(AdmissionCache.MemberPart part) {
            Long extra = extraAfter.get(part.period());
            if (extra != null && extra < part.memberExtraNanos()) {
                return null;
            }
            Map<String, WindowUsage> after = new HashMap<>(part.windows());
            for (WindowUsage w : windows) {
                WindowUsage kept = after.get(w.name());
                if (kept != null && isAhead(kept, w)) {
                    return null;
                }
                after.put(w.name(), w);
            }
            DbSnapshot seen = part.seen().alsoSeeing(xid).orElse(null);
            return seen == null
                    ? null
                    : new AdmissionCache.MemberPart(
                            part.member(),
                            Map.copyOf(after),
                            part.period(),
                            extra == null ? part.memberExtraNanos() : extra,
                            part.requests(),
                            seen);
        }

        private static boolean isAhead(WindowUsage kept, WindowUsage settled) {
            int started = kept.startedAt().compareTo(settled.startedAt());
            return started > 0 || (started == 0 && kept.usedNanos() > settled.usedNanos());
        }
    }

    /**
     * An org's: its extra spend per billing period after the settlement (the balance is not among
     * them: a settlement that debits it drops the org's part).
     */
    public record Org(long xid, Map<String, Long> extraAfter) implements StateChanges.Settled {
        public Org {
            extraAfter = Map.copyOf(extraAfter);
        }

        /** {@code part} with these figures; {@code null} when it is ahead of them. */
        AdmissionCache.OrgPart applyTo(AdmissionCache.OrgPart part) {
            Long extra = extraAfter.get(part.period());
            if (extra != null && extra < part.orgExtraNanos()) {
                return null;
            }
            DbSnapshot seen = part.seen().alsoSeeing(xid).orElse(null);
            return seen == null
                    ? null
                    : new AdmissionCache.OrgPart(
                            part.org(),
                            part.settings(),
                            part.allowances(),
                            part.period(),
                            extra == null ? part.orgExtraNanos() : extra,
                            part.balanceNanos(),
                            seen);
        }
    }
}
