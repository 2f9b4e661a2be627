/**
 * The pure rules of metering: admission, included-usage windows, caps, the split of a cost into
 * included and extra usage, and the settlement plan. Plain Java, records in and records out — no
 * Spring, SQL, I/O, clock or floating point (checked by ArchUnit for the whole package). Its values
 * are part of metering's API.
 */
@NamedInterface("rules")
package dev.headroom.metering.rules;

import org.springframework.modulith.NamedInterface;
