/** Requests for extra usage: filing, admin review, the requests toggle and the daily digest. */
package dev.headroom.requests;
