package dev.headroom.billing;

import dev.headroom.organization.Org;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.springframework.stereotype.Component;

/** An invoice as CSV and as PDF. */
@Component
public class InvoiceDocuments {
    private static final int LINES_PER_PAGE = 40;

    public String csv(Invoice invoice) {
        StringBuilder out =
                new StringBuilder(
                        "period,member,member_name,product,model,prior_period,amount,currency\n");
        for (Invoice.Line line : invoice.lines()) {
            out.append(
                            String.join(
                                    ",",
                                    invoice.period(),
                                    cell(line.memberId()),
                                    cell(line.memberName()),
                                    cell(line.product()),
                                    cell(line.model()),
                                    line.priorPeriod() == null ? "" : line.priorPeriod(),
                                    line.amount().toDecimalString(),
                                    invoice.currency()))
                    .append('\n');
        }
        out.append(
                        String.join(
                                ",",
                                invoice.period(),
                                "",
                                "TOTAL",
                                "",
                                "",
                                "",
                                invoice.total().toDecimalString(),
                                invoice.currency()))
                .append('\n');
        return out.toString();
    }

    public byte[] pdf(Org org, Invoice invoice) {
        try (PDDocument document = new PDDocument();
                ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            PDType1Font bold = new PDType1Font(Standard14Fonts.FontName.HELVETICA_BOLD);
            PDType1Font regular = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
            int index = 0;
            do {
                PDPage page = new PDPage(PDRectangle.A4);
                document.addPage(page);
                try (PDPageContentStream text = new PDPageContentStream(document, page)) {
                    text.beginText();
                    text.newLineAtOffset(48, 780);
                    if (index == 0) {
                        text.setFont(bold, 18);
                        text.showText("Invoice " + invoice.id());
                        text.setFont(regular, 11);
                        text.newLineAtOffset(0, -22);
                        text.showText(ascii(org.name()) + "  (" + org.id() + ")");
                        text.newLineAtOffset(0, -16);
                        text.showText(
                                "Billing period "
                                        + invoice.period()
                                        + ", extra usage, in "
                                        + invoice.currency());
                        text.newLineAtOffset(0, -24);
                        text.setFont(bold, 10);
                        text.showText(
                                "Member / product / model                                              Amount");
                    }
                    text.setFont(regular, 9);
                    int onPage = 0;
                    while (index < invoice.lines().size() && onPage < LINES_PER_PAGE) {
                        Invoice.Line line = invoice.lines().get(index++);
                        onPage++;
                        text.newLineAtOffset(0, -15);
                        String label =
                                ascii(line.memberName())
                                        + " / "
                                        + line.product()
                                        + " / "
                                        + line.model()
                                        + (line.priorPeriod() == null
                                                ? ""
                                                : " (usage of " + line.priorPeriod() + ")");
                        text.showText(
                                label
                                        + "   "
                                        + line.amount().toDecimalString()
                                        + " "
                                        + invoice.currency());
                    }
                    if (index >= invoice.lines().size()) {
                        text.setFont(bold, 11);
                        text.newLineAtOffset(0, -24);
                        text.showText(
                                "Total: "
                                        + invoice.total().toDecimalString()
                                        + " "
                                        + invoice.currency());
                    }
                    text.endText();
                }
            } while (index < invoice.lines().size());
            document.save(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String cell(String value) {
        if (value == null) {
            return "";
        }
        return value.contains(",") || value.contains("\"") || value.contains("\n")
                ? "\"" + value.replace("\"", "\"\"") + "\""
                : value;
    }

    private static String ascii(String text) {
        return text == null ? "" : text.replaceAll("[^\\x20-\\x7E]", "?");
    }
}
