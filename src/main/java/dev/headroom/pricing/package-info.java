/**
 * The price book (XU-20, EX-2): dated prices per model and token class, aliases and dated ids, and
 * the pure cost of a usage report in nano-units.
 */
package dev.headroom.pricing;
