package dev.headroom;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.scheduling.annotation.EnableScheduling;

/** Headroom: extra usage, spend caps and prepaid credits in front of a Messages API. */
@SpringBootApplication
@EnableScheduling
@org.springframework.boot.context.properties.ConfigurationPropertiesScan
public class HeadroomApplication {
    public static void main(String[] args) {
        SpringApplication.run(HeadroomApplication.class, args);
    }
}
