/** Team prepaid credits: the balance ledger, purchases and the payment provider port. */
package dev.headroom.credits;
