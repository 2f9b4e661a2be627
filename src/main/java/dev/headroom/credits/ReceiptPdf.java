package dev.headroom.credits;

import dev.headroom.organization.Org;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.springframework.stereotype.Component;

/** Renders a receipt as a one-page PDF (XU-26), amounts rounded once to the minor unit. */
@Component
public class ReceiptPdf {

    public byte[] render(Org org, Receipt receipt) {
        int fractionDigits = org.minorUnitDigits();
        List<String[]> rows =
                List.of(
                        new String[] {"Organisation", org.name() + " (" + org.id() + ")"},
                        new String[] {"Receipt", receipt.id()},
                        new String[] {
                            "Kind",
                            receipt.kind() == Receipt.PaymentKind.RELOAD
                                    ? "Auto-reload"
                                    : "Prepaid purchase"
                        },
                        new String[] {
                            "Date",
                            String.valueOf(
                                    receipt.completedAt() != null
                                            ? receipt.completedAt()
                                            : receipt.purchasedAt())
                        },
                        new String[] {"Status", receipt.status().name()},
                        new String[] {
                            "Amount",
                            receipt.amount().roundToMinorUnits(fractionDigits).toDecimalString()
                                    + " "
                                    + org.currency()
                        },
                        new String[] {
                            "Balance after",
                            receipt.balanceAfter() == null
                                    ? "-"
                                    : receipt.balanceAfter()
                                                    .roundToMinorUnits(fractionDigits)
                                                    .toDecimalString()
                                            + " "
                                            + org.currency()
                        },
                        new String[] {
                            "Paid through",
                            receipt.provider()
                                    + (receipt.providerReference() == null
                                            ? ""
                                            : " " + receipt.providerReference())
                        });
        try (PDDocument document = new PDDocument();
                ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            PDPage page = new PDPage(PDRectangle.A4);
            document.addPage(page);
            PDType1Font bold = new PDType1Font(Standard14Fonts.FontName.HELVETICA_BOLD);
            PDType1Font regular = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
            try (PDPageContentStream text = new PDPageContentStream(document, page)) {
                text.beginText();
                text.setFont(bold, 18);
                text.newLineAtOffset(56, 770);
                text.showText("Headroom receipt");
                text.setFont(regular, 11);
                for (String[] row : rows) {
                    text.newLineAtOffset(0, -24);
                    text.showText(row[0] + ":  " + ascii(row[1]));
                }
                text.endText();
            }
            document.save(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // The standard PDF fonts encode WinAnsi only; anything else is replaced rather than failing.
    private static String ascii(String text) {
        return text.replaceAll("[^\\x20-\\x7E]", "?");
    }
}
