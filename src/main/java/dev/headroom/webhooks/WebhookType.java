package dev.headroom.webhooks;

import java.util.Arrays;
import java.util.Optional;

/** The events an endpoint can take (API.md "Webhooks"), by their wire names. */
public enum WebhookType {
    MEMBER_CAP_WARNING("member.cap_warning"),
    MEMBER_CAP_REACHED("member.cap_reached"),
    ORG_CAP_REACHED("org.cap_reached"),
    BALANCE_LOW("balance.low"),
    RELOAD_SUCCEEDED("reload.succeeded"),
    RELOAD_FAILED("reload.failed"),
    INVOICE_ISSUED("invoice.issued"),
    REQUEST_CREATED("request.created"),
    REQUEST_APPROVED("request.approved"),
    REQUEST_DISMISSED("request.dismissed");

    private final String wire;

    WebhookType(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public static Optional<WebhookType> ofWire(String name) {
        return Arrays.stream(values()).filter(t -> t.wire.equals(name)).findFirst();
    }
}
