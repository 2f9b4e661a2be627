/**
 * The console: "Organisation settings > Usage" for owners and admins, each member's own usage page,
 * usage charts, invoices, receipts, balance history and the audit log (XU-13, XU-28, XU-29, EX-3,
 * EX-7). Server-rendered pages that call the same services, with the same checks and messages, as
 * the API.
 */
package dev.headroom.console;
