/**
 * The gateway (EX-4, issue 14): the Anthropic Messages API in front of an org's upstream, with the
 * member's admission decided in process before the request is forwarded and its usage settled in
 * process from the answer or the stream.
 */
package dev.headroom.gateway;
