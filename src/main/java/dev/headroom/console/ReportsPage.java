package dev.headroom.console;

import dev.headroom.core.ApiException;
import dev.headroom.core.Money;
import dev.headroom.organization.Role;
import dev.headroom.reports.UsageReports;
import java.time.LocalDate;
import java.util.List;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * Usage charts for owners (EX-3): spend per day for a period, by product and by model, drawn on the
 * server. "Extra usage" is what is billed; "All usage" adds the API-price equivalent of included
 * usage.
 */
@Controller
@RequestMapping("/console/reports")
class ReportsPage {
    private final UsageReports reports;

    ReportsPage(UsageReports reports) {
        this.reports = reports;
    }

    public record Total(String key, String amount) {}

    @GetMapping
    String page(
            @ModelAttribute("viewer") Viewer viewer,
            @RequestParam(name = "from", required = false) String from,
            @RequestParam(name = "to", required = false) String to,
            @RequestParam(name = "measure", defaultValue = "extra") String measure,
            Model model) {
        String orgId = viewer.org().id();
        viewer.caller().requireRole(orgId, Role.OWNER);
        UsageReports.Range range = reports.range(viewer.org(), from, to);
        LocalDate fromDate = range.from();
        LocalDate toDate = range.to();
        boolean all =
                switch (measure) {
                    case "extra" -> false;
                    case "all" -> true;
                    default ->
                            throw ApiException.validation(
                                    "measure must be extra or all, got '" + measure + "'.");
                };
        model.addAttribute("from", fromDate);
        model.addAttribute("to", toDate);
        model.addAttribute("measure", measure);
        String what = all ? "Cost of all usage" : "Extra usage spend";
        model.addAttribute(
                "byProduct",
                chart(
                        viewer,
                        what + " per day by product",
                        fromDate,
                        toDate,
                        UsageReports.GroupBy.PRODUCT,
                        all,
                        model,
                        "productTotals"));
        model.addAttribute(
                "byModel",
                chart(
                        viewer,
                        what + " per day by model",
                        fromDate,
                        toDate,
                        UsageReports.GroupBy.MODEL,
                        all,
                        model,
                        "modelTotals"));
        return "console/reports";
    }

    private String chart(
            Viewer viewer,
            String title,
            LocalDate from,
            LocalDate to,
            UsageReports.GroupBy series,
            boolean all,
            Model model,
            String totalsName) {
        List<SpendChart.Point> points =
                reports.daily(viewer.org().id(), from, to, series).stream()
                        .map(d ->
                                new SpendChart.Point(
                                        d.day(),
                                        d.key(),
                                        all
                                                ? d.extraCost().plus(d.includedCost()).nanos()
                                                : d.extraCost().nanos()))
                        .filter(p -> p.nanos() != 0)
                        .toList();
        java.util.Map<String, Long> totals = new java.util.TreeMap<>();
        points.forEach(p -> totals.merge(p.series(), p.nanos(), Long::sum));
        model.addAttribute(
                totalsName,
                totals.entrySet().stream()
                        .map(e ->
                                new Total(
                                        e.getKey(),
                                        viewer.money().format(Money.ofNanos(e.getValue()))))
                        .toList());
        return SpendChart.draw(title, from, to, points, viewer.money()::format);
    }
}
