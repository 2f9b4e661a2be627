package dev.headroom.pricing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.io.ResourceLoader;
import org.springframework.stereotype.Component;
import tools.jackson.databind.ObjectMapper;

/**
 * Imports the price-book data file (EX-2) at start-up, before the server takes requests. The
 * operator edits or replaces the file ({@code headroom.prices.file}); a new dated entry becomes a
 * new version, stored versions are never overwritten by the file.
 */
@Component
class PriceBookLoader implements SmartInitializingSingleton {
    private static final Logger log = LoggerFactory.getLogger(PriceBookLoader.class);

    @com.fasterxml.jackson.annotation.JsonIgnoreProperties(ignoreUnknown = true)
    record PriceFile(List<PriceVersionJson> models) {}

    private final PriceBookService prices;
    private final ResourceLoader resources;
    private final ObjectMapper json;
    private final String location;

    PriceBookLoader(
            PriceBookService prices,
            ResourceLoader resources,
            ObjectMapper json,
            @Value("${headroom.prices.file:classpath:prices/claude-api-prices.json}")
                    String location) {
        this.prices = prices;
        this.resources = resources;
        this.json = json;
        this.location = location;
    }

    @Override
    public void afterSingletonsInstantiated() {
        PriceFile file;
        try (InputStream in = resources.getResource(location).getInputStream()) {
            file = json.readValue(in, PriceFile.class);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the price book file " + location, e);
        }
        Map<String, List<String>> aliases = new HashMap<>();
        List<PriceVersion> versions =
                file.models().stream()
                        .map(entry -> {
                            if (entry.aliases() != null) {
                                aliases.put(entry.model(), entry.aliases());
                            }
                            return entry.toVersion(entry.model());
                        })
                        .toList();
        int added = prices.importMissing(versions, aliases);
        prices.refresh();
        log.info("Price book: {} versions from {} ({} new)", versions.size(), location, added);
    }
}
