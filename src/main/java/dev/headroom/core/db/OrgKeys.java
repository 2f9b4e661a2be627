package dev.headroom.core.db;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Keys of rows of several orgs — an org id beside a second key (a member, a request, a period) — as
 * two parallel text arrays, for {@code join unnest(?::text[], ?::text[])}: one statement for a
 * whole settlement group instead of one per org. Pairs stay in the order added, which is the lock
 * order where the statement locks or writes.
 */
public final class OrgKeys {
    private final List<String> orgIds = new ArrayList<>();
    private final List<String> keys = new ArrayList<>();

    /** Every key of each org, org by org in the map's order. */
    public static OrgKeys of(Map<String, ? extends Collection<String>> keysByOrg) {
        OrgKeys pairs = new OrgKeys();
        keysByOrg.forEach((orgId, keys) -> keys.forEach(key -> pairs.add(orgId, key)));
        return pairs;
    }

    public void add(String orgId, String key) {
        orgIds.add(orgId);
        keys.add(key);
    }

    public boolean isEmpty() {
        return orgIds.isEmpty();
    }

    public int size() {
        return orgIds.size();
    }

    public String[] orgIds() {
        return orgIds.toArray(String[]::new);
    }

    public String[] keys() {
        return keys.toArray(String[]::new);
    }
}
