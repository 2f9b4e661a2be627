package dev.headroom.organization.web;

import dev.headroom.core.web.ApiErrors;
import dev.headroom.organization.ApiKeyService;
import dev.headroom.organization.Caller;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.ObjectMapper;

/** Authenticates {@code /api/**} requests by their bearer key; 401 when missing or unknown. */
@Component
public class ApiKeyFilter extends OncePerRequestFilter {
    static final String CALLER = ApiKeyFilter.class.getName() + ".caller";

    private final ApiKeyService keys;
    private final ObjectMapper json;

    public ApiKeyFilter(ApiKeyService keys, ObjectMapper json) {
        this.keys = keys;
        this.json = json;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !request.getRequestURI().startsWith("/api/");
    }

    @Override
    protected void doFilterInternal(
            HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            reject(response, "Send the API key as 'Authorization: Bearer <key>'.");
            return;
        }
        Optional<Caller> caller = keys.authenticate(header.substring(7).trim());
        if (caller.isEmpty()) {
            reject(response, "The API key is not valid.");
            return;
        }
        request.setAttribute(CALLER, caller.get());
        chain.doFilter(request, response);
    }

    private void reject(HttpServletResponse response, String message) throws IOException {
        response.setStatus(401);
        response.setContentType("application/json");
        response.setHeader("WWW-Authenticate", "Bearer");
        json.writeValue(response.getOutputStream(), ApiErrors.body("UNAUTHENTICATED", message));
    }
}
