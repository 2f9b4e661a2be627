package dev.headroom.support;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.util.Arrays;
import java.util.List;

/** A real SMTP server (GreenMail) on a free port, with helpers to read what a recipient got. */
public final class Mailbox {
    private static Mailbox shared;
    private final GreenMail greenMail;

    private Mailbox() {
        greenMail = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
        greenMail.start();
    }

    public static synchronized Mailbox shared() {
        if (shared == null) {
            shared = new Mailbox();
        }
        return shared;
    }

    public int port() {
        return greenMail.getSmtp().getPort();
    }

    /** The subjects of every message delivered to {@code address}. */
    public List<String> subjectsFor(String address) {
        return Arrays.stream(greenMail.getReceivedMessages())
                .filter(m -> recipients(m).contains(address))
                .map(Mailbox::subject)
                .toList();
    }

    public String bodyOf(String address, String subjectPart) {
        return Arrays.stream(greenMail.getReceivedMessages())
                .filter(m -> recipients(m).contains(address) && subject(m).contains(subjectPart))
                .map(GreenMailUtil::getBody)
                .findFirst()
                .orElseThrow();
    }

    /**
     * Waits until {@code address} has at least {@code count} messages whose subject contains {@code
     * subjectPart}, then a little longer so that an unwanted extra one would show, and returns how
     * many there are.
     */
    public long await(String address, String subjectPart, int count) {
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (System.nanoTime() < deadline && count(address, subjectPart) < count) {
            sleep(100);
        }
        sleep(1_500);
        return count(address, subjectPart);
    }

    public long count(String address, String subjectPart) {
        return subjectsFor(address).stream().filter(s -> s.contains(subjectPart)).count();
    }

    private static String recipients(MimeMessage message) {
        try {
            return Arrays.toString(message.getAllRecipients());
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String subject(MimeMessage message) {
        try {
            return message.getSubject();
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
