package dev.headroom.pricing.web;

import dev.headroom.core.ApiException;
import dev.headroom.organization.Caller;
import dev.headroom.pricing.PriceBook;
import dev.headroom.pricing.PriceBookService;
import dev.headroom.pricing.PriceVersionJson;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** The price book (XU-20, EX-2): every dated version; the operator adds new ones. */
@RestController
@RequestMapping("/api/v1/prices")
public class PriceController {
    private final PriceBookService prices;

    public PriceController(PriceBookService prices) {
        this.prices = prices;
    }

    public record PriceList(List<PriceVersionJson> items) {}

    @GetMapping
    public PriceList list(Caller caller) {
        PriceBook book = prices.current();
        Map<String, List<String>> aliasesByModel =
                book.aliases().entrySet().stream()
                        .collect(
                                Collectors.groupingBy(
                                        Map.Entry::getValue,
                                        Collectors.mapping(
                                                Map.Entry::getKey, Collectors.toList())));
        return new PriceList(
                book.allVersions().stream()
                        .map(v ->
                                PriceVersionJson.of(
                                        v, aliasesByModel.getOrDefault(v.model(), List.of())))
                        .toList());
    }

    @PutMapping("/{model}")
    public PriceVersionJson put(
            Caller caller,
            @PathVariable("model") String model,
            @RequestBody PriceVersionJson body) {
        caller.requireOperator();
        if (body.model() != null && !body.model().equals(model)) {
            throw ApiException.validation(
                    "The body's model '"
                            + body.model()
                            + "' differs from the path's '"
                            + model
                            + "'.");
        }
        var version = prices.put(body.toVersion(model), body.aliases());
        prices.refresh();
        return PriceVersionJson.of(version, body.aliases() == null ? List.of() : body.aliases());
    }
}
