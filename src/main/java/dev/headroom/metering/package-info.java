/**
 * The hot path (XU-16 – XU-19): admission before each model request and settlement of its usage
 * after, with included-usage windows, caps and month-to-date spend. Its API is this package's
 * services and values; {@code rules} holds the pure decisions, {@code admission} the state read and
 * kept for admissions, {@code settlement} group commit and the writes, {@code allowances} the
 * included-usage windows per seat type, {@code web} the HTTP edge.
 */
package dev.headroom.metering;
