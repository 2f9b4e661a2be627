/** Usage reports (EX-3): usage and cost by day, member, seat type, product and model. */
package dev.headroom.reports;
