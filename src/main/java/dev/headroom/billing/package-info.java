/** Seat-based Enterprise billing in arrears: month close and invoices (JSON, CSV, PDF). */
package dev.headroom.billing;
