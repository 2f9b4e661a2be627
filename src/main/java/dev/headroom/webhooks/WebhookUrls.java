package dev.headroom.webhooks;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * Where Headroom may send deliveries: https URLs whose host resolves to public addresses only, so
 * an owner cannot make Headroom call into the network it runs in (private, loopback, link-local,
 * unique-local, multicast or unspecified addresses). Checked when an endpoint is created and again
 * before every send, as the name may resolve elsewhere by then. The operator can allow plain http
 * and any address ({@code headroom.webhooks.allow-insecure-urls}, on in the default local run).
 */
public final class WebhookUrls {
    /** Resolves a host name; a seam for tests. */
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private final boolean allowInsecure;
    private final Resolver resolver;

    public WebhookUrls(boolean allowInsecure, Resolver resolver) {
        this.allowInsecure = allowInsecure;
        this.resolver = resolver;
    }

    /** Why {@code url} is refused, or empty when deliveries may go there. */
    public Optional<String> refusal(String url) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            return Optional.of("url must be an absolute https URL, got '" + url + "'.");
        }
        String scheme = uri.getScheme();
        if (uri.getHost() == null || !("https".equals(scheme) || "http".equals(scheme))) {
            return Optional.of("url must be an absolute https URL, got '" + url + "'.");
        }
        if (uri.getUserInfo() != null) {
            return Optional.of("url must not carry a user name or password.");
        }
        if (allowInsecure) {
            return Optional.empty();
        }
        if (!"https".equals(scheme)) {
            return Optional.of("url must use https.");
        }
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(uri.getHost());
        } catch (UnknownHostException e) {
            return Optional.of("The host '" + uri.getHost() + "' does not resolve.");
        }
        for (InetAddress address : addresses) {
            if (!isPublic(address)) {
                return Optional.of(
                        "The host '"
                                + uri.getHost()
                                + "' resolves to a private, loopback or link-local address ("
                                + address.getHostAddress()
                                + "); deliveries go to public addresses only.");
            }
        }
        return Optional.empty();
    }

    static boolean isPublic(InetAddress a) {
        if (a.isLoopbackAddress()
                || a.isAnyLocalAddress()
                || a.isLinkLocalAddress()
                || a.isSiteLocalAddress()
                || a.isMulticastAddress()) {
            return false;
        }
        byte[] b = a.getAddress();
        if (b.length == 16) {
            // fc00::/7, IPv6's unique-local addresses (the JDK's site-local test is fec0::/10).
            if ((b[0] & 0xfe) == 0xfc) {
                return false;
            }
            // An IPv4 address mapped into IPv6 is judged as the IPv4 address.
            boolean mapped = b[10] == (byte) 0xff && b[11] == (byte) 0xff;
            for (int i = 0; i < 10 && mapped; i++) {
                mapped = b[i] == 0;
            }
            if (mapped) {
                try {
                    return isPublic(
                            InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]}));
                } catch (UnknownHostException e) {
                    return false;
                }
            }
            return true;
        }
        int first = b[0] & 0xff;
        int second = b[1] & 0xff;
        // 100.64.0.0/10 (carrier-grade NAT) and 0.0.0.0/8 are not the public internet either.
        return !(first == 0 || (first == 100 && second >= 64 && second < 128));
    }
}
