/** Included usage per seat type: the windows every org starts with and their changes (XU-2). */
package dev.headroom.metering.allowances;
