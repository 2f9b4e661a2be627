/** Values every feature uses: exact money, billing periods, identifiers, per-org clocks. */
package dev.headroom.core;
