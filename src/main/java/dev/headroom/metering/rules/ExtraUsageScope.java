package dev.headroom.metering.rules;

/** Whether extra usage is on for the whole org or for selected members only (XU-9). */
public enum ExtraUsageScope {
    ORG,
    SELECTED
}
