package dev.headroom.pricing;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An immutable snapshot of all dated price versions and model aliases. A model id with a date
 * suffix ({@code claude-sonnet-4-5-20250929}) resolves to its undated entry when no exact entry
 * exists; a model still unknown resolves to its family's fallback, if the operator set one.
 */
public final class PriceBook {
    private static final Pattern DATE_SUFFIX = Pattern.compile("-\\d{8}$");

    private final Map<String, List<PriceVersion>> versionsByModel;
    private final Map<String, String> aliases;
    private final Map<String, String> fallbacks;

    public PriceBook(List<PriceVersion> versions, Map<String, String> aliases) {
        this(versions, aliases, Map.of());
    }

    /**
     * {@code fallbacks}: a model-id prefix ({@code claude-opus-}) and the priced model that prices
     * every otherwise unknown model of that family — the operator's choice, none by default.
     */
    public PriceBook(
            List<PriceVersion> versions,
            Map<String, String> aliases,
            Map<String, String> fallbacks) {
        this.fallbacks = Map.copyOf(fallbacks);
        Map<String, List<PriceVersion>> byModel = new HashMap<>();
        for (PriceVersion version : versions) {
            byModel.computeIfAbsent(version.model(), k -> new ArrayList<>()).add(version);
        }
        byModel.values()
                .forEach(list -> list.sort(Comparator.comparing(PriceVersion::effectiveFrom)));
        this.versionsByModel = Map.copyOf(byModel);
        this.aliases = Map.copyOf(aliases);
    }

    /** The canonical model id, or empty when the price book does not know the model. */
    public Optional<String> resolve(String model) {
        if (model == null) {
            return Optional.empty();
        }
        for (String candidate : List.of(model, DATE_SUFFIX.matcher(model).replaceFirst(""))) {
            if (versionsByModel.containsKey(candidate)) {
                return Optional.of(candidate);
            }
            String aliased = aliases.get(candidate);
            if (aliased != null && versionsByModel.containsKey(aliased)) {
                return Optional.of(aliased);
            }
        }
        // The longest matching prefix wins: claude-opus-5- before claude-opus-.
        return fallbacks.entrySet().stream()
                .filter(f -> model.startsWith(f.getKey()))
                .filter(f -> versionsByModel.containsKey(f.getValue()))
                .max(java.util.Comparator.comparingInt(f -> f.getKey().length()))
                .map(Map.Entry::getValue);
    }

    /** The version in force at {@code at}: the latest whose effective date is not after it. */
    public Optional<PriceVersion> priceAt(String model, Instant at) {
        return resolve(model)
                .flatMap(canonical -> {
                    PriceVersion found = null;
                    for (PriceVersion version : versionsByModel.get(canonical)) {
                        if (!version.effectiveFrom().isAfter(at)) {
                            found = version;
                        }
                    }
                    return Optional.ofNullable(found);
                });
    }

    public List<PriceVersion> allVersions() {
        return versionsByModel.values().stream()
                .flatMap(List::stream)
                .sorted(
                        Comparator.comparing(PriceVersion::model)
                                .thenComparing(PriceVersion::effectiveFrom))
                .toList();
    }

    public Map<String, String> aliases() {
        return aliases;
    }
}
