package dev.headroom.metering.rules;

import dev.headroom.pricing.PriceBook;
import dev.headroom.pricing.PriceVersion;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Pattern;

/**
 * The one validation of a usage report (XU-17, EX-9), and of the product an admission names: a
 * report is either priced and ready to settle, or refused with a sentence.
 */
public final class UsageReportRules {
    /** How far a report's timestamp may run ahead of its org's clock. */
    public static final Duration CLOCK_SKEW_MAX = Duration.ofMinutes(5);

    private static final Pattern PRODUCT = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");
    public static final int REQUEST_ID_LENGTH_MAX = 200;

    private UsageReportRules() {}

    /** A report that passed validation, with the price in force at its timestamp. */
    public record PricedReport(UsageReport report, PriceVersion price) {}

    /** The outcome of checking one report. */
    public sealed interface Checked {
        record Valid(PricedReport priced) implements Checked {}

        record Invalid(SettlementRefusal refusal) implements Checked {}
    }

    public static boolean validProduct(String product) {
        return product != null && PRODUCT.matcher(product).matches();
    }

    public static final String PRODUCT_RULE =
            "product must be CLAUDE, CLAUDE_CODE, COWORK or another id of 1 to 64 letters,"
                    + " digits or _ . : - characters.";

    /**
     * Checks {@code report} for org {@code orgId} at the org's {@code now}, and prices it; {@code
     * where} names the item of a batch ("items[3]: ") in the sentence of a malformed one.
     */
    public static Checked check(
            UsageReport report, String orgId, Instant now, PriceBook prices, String where) {
        String problem = problem(report, orgId, now);
        if (problem != null) {
            return new Checked.Invalid(SettlementRefusal.invalid(where + problem));
        }
        if (prices.resolve(report.model()).isEmpty()) {
            return new Checked.Invalid(
                    SettlementRefusal.invalid(
                            "Unknown model '"
                                    + report.model()
                                    + "': it is not in the price book."));
        }
        return prices.priceAt(report.model(), report.timestamp())
                .<Checked>map(price -> new Checked.Valid(new PricedReport(report, price)))
                .orElseGet(() ->
                        new Checked.Invalid(
                                SettlementRefusal.invalid(
                                        "Model '"
                                                + report.model()
                                                + "' has no price in force at "
                                                + report.timestamp()
                                                + ".")));
    }

    private static String problem(UsageReport report, String orgId, Instant now) {
        if (report.requestId() == null
                || report.requestId().isBlank()
                || report.requestId().length() > REQUEST_ID_LENGTH_MAX) {
            return "requestId is required (1 to " + REQUEST_ID_LENGTH_MAX + " characters).";
        }
        if (!orgId.equals(report.orgId())) {
            return "all items of a batch must belong to one organisation.";
        }
        if (report.memberId() == null) {
            return "memberId is required.";
        }
        if (!validProduct(report.product())) {
            return PRODUCT_RULE;
        }
        if (report.timestamp() == null) {
            return "timestamp is required.";
        }
        if (report.timestamp().isAfter(now.plus(CLOCK_SKEW_MAX))) {
            return "timestamp "
                    + report.timestamp()
                    + " is more than 5 minutes ahead of the organisation's clock ("
                    + now
                    + ").";
        }
        if (report.usage() == null) {
            return "usage is required.";
        }
        return null;
    }
}
