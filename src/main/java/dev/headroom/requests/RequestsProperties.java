package dev.headroom.requests;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code headroom.requests.*}: how long a dismissed member waits before filing again, and the local
 * hour (0–23, in each org's time zone) of the daily digest to admins.
 */
@ConfigurationProperties("headroom.requests")
public record RequestsProperties(Duration dismissCooldown, Integer digestHour) {
    public RequestsProperties {
        if (dismissCooldown == null) {
            dismissCooldown = Duration.ofDays(30);
        }
        if (digestHour == null) {
            digestHour = 9;
        }
        if (digestHour < 0 || digestHour > 23) {
            throw new IllegalArgumentException(
                    "headroom.requests.digest-hour must be between 0 and 23");
        }
    }
}
