package dev.headroom.organization.web;

import dev.headroom.core.web.ApiErrors;
import dev.headroom.organization.ApiKeyService;
import dev.headroom.organization.Caller;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.ObjectMapper;

/**
 * Authenticates {@code /api/**} requests by their bearer key; 401 when missing, unknown, revoked or
 * expired (EX-12). The actuator's endpoints other than health (metrics, info) need the operator key
 * (EX-15): they tell about every org.
 */
@Component
@Order(Caller.AUTHENTICATION_ORDER)
public class ApiKeyFilter extends OncePerRequestFilter {
    static final String CALLER = Caller.REQUEST_ATTRIBUTE;

    private final ApiKeyService keys;
    private final ObjectMapper json;

    public ApiKeyFilter(ApiKeyService keys, ObjectMapper json) {
        this.keys = keys;
        this.json = json;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI();
        return !path.startsWith("/api/") && !operatorOnly(path);
    }

    private static boolean operatorOnly(String path) {
        return (path.equals("/actuator") || path.startsWith("/actuator/"))
                && !path.equals("/actuator/health")
                && !path.startsWith("/actuator/health/");
    }

    @Override
    protected void doFilterInternal(
            HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String key = ApiKeyService.bearerKey(request.getHeader("Authorization"));
        if (key == null) {
            reject(response, "Send the API key as 'Authorization: Bearer <key>'.");
            return;
        }
        switch (keys.authenticate(key)) {
            case ApiKeyService.Verdict.Accepted accepted
                    when operatorOnly(request.getRequestURI())
                            && !accepted.caller().rank().operator() ->
                    refuse(response, 403, "FORBIDDEN", "Only the operator key may read this.");
            case ApiKeyService.Verdict.Accepted accepted -> {
                request.setAttribute(CALLER, accepted.caller());
                chain.doFilter(request, response);
            }
            case ApiKeyService.Verdict.Rejected rejected -> reject(response, rejected.message());
        }
    }

    private void reject(HttpServletResponse response, String message) throws IOException {
        response.setHeader("WWW-Authenticate", "Bearer");
        refuse(response, 401, "UNAUTHENTICATED", message);
    }

    private void refuse(HttpServletResponse response, int status, String code, String message)
            throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        json.writeValue(response.getOutputStream(), ApiErrors.body(code, message));
    }
}
