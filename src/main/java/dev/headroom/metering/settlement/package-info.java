/**
 * How settlement is written: group commit of concurrent reports of one org, and the stores of usage
 * events, windows, spend and daily sums (XU-17, XU-19).
 */
package dev.headroom.metering.settlement;
