/**
 * What admission reads: a member's and their org's settled state, in one statement each, kept in
 * memory by {@code AdmissionCache} while nothing changes it (XU-18).
 */
package dev.headroom.metering.admission;
