/** The audit log: who changed which setting, cap, seat or role, from what to what, and when. */
package dev.headroom.audit;
