package dev.headroom.gateway.web;

import dev.headroom.gateway.AnthropicErrors;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import tools.jackson.databind.ObjectMapper;

/**
 * The Messages API's paths (EX-4), answered first, before any other filter and without Spring MVC:
 * a member's every model request comes this way, and the dispatch around {@link MessagesProxy} (the
 * other filters, the observation, handler lookup among all of Headroom's routes, argument
 * resolution) cost over a quarter of what the proxy itself did (issue 14, BENCHMARKS.md). The
 * gateway authenticates the member's key itself and needs none of them.
 *
 * <p>{@code POST /v1/messages}, {@code POST /v1/messages/count_tokens} and {@code /v1/models} by
 * any method go to the proxy; every other path under {@code /v1} is Anthropic's not-found error. A
 * failure the proxy did not answer itself (its database gone, say) is answered in Anthropic's shape
 * too: a 500 {@code api_error} while nothing has gone out, else an {@code error} event that ends
 * the stream — whose {@code message_stop} was then never sent.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class GatewayRoutes implements Filter {
    private static final Logger log = LoggerFactory.getLogger(GatewayRoutes.class);
    static final String MESSAGES = "/v1/messages";
    static final String COUNT_TOKENS = "/v1/messages/count_tokens";
    static final String MODELS = "/v1/models";

    private final MessagesProxy proxy;
    private final ObjectMapper json;
    private final GatewayMetrics metrics;

    GatewayRoutes(MessagesProxy proxy, ObjectMapper json, GatewayMetrics metrics) {
        this.proxy = proxy;
        this.json = json;
        this.metrics = metrics;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        if (!(req instanceof HttpServletRequest request)
                || !(res instanceof HttpServletResponse response)
                || !gateway(request.getRequestURI())) {
            chain.doFilter(req, res);
            return;
        }
        String path = request.getRequestURI();
        boolean post = "POST".equals(request.getMethod());
        try {
            if (post && path.equals(MESSAGES)) {
                proxy.messages(request, response);
            } else if (post && path.equals(COUNT_TOKENS)) {
                proxy.countTokens(request, response);
            } else if (path.equals(MODELS)) {
                proxy.models(request, response);
            } else {
                proxy.notFound(response);
            }
        } catch (RuntimeException unexpected) {
            log.error("The gateway failed on {} {}", request.getMethod(), path, unexpected);
            failed(response);
        }
    }

    static boolean gateway(String path) {
        return path.equals("/v1") || path.startsWith("/v1/");
    }

    private void failed(HttpServletResponse response) throws IOException {
        metrics.answeredByHeadroom(500);
        String message = "Headroom failed unexpectedly; this request is not billed.";
        if (!response.isCommitted()) {
            response.reset();
            response.setStatus(500);
            response.setContentType("application/json");
            json.writeValue(
                    response.getOutputStream(), AnthropicErrors.body("api_error", message, null));
            return;
        }
        String type = response.getContentType();
        if (type != null && type.startsWith("text/event-stream")) {
            try {
                response.getOutputStream().write(MessagesProxy.errorEvent(json, message));
                response.flushBuffer();
            } catch (IOException gone) {
                // The member has gone too: nothing is left to tell.
            }
        }
    }
}
