package dev.headroom.metering.web;

import dev.headroom.core.web.ApiErrors;
import dev.headroom.organization.Caller;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.util.Locale;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpInputMessage;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.ObjectMapper;

/**
 * Issue 15, item 3: the lean HTTP path. Admissions and usage reports — a call or two for every
 * model request — are read and answered here, by {@link HotPathController}'s own methods with the
 * application's JSON mapper, without Spring MVC's dispatch (handler lookup, argument resolution,
 * message converters, content negotiation), which cost a measurable part of their CPU
 * (BENCHMARKS.md). Only requests of the plain shape take this path: {@code POST} with a JSON body
 * of known length in UTF-8 and an {@code Accept} that takes JSON. Everything else goes on to MVC as
 * before, so its refusals (405, 406, 415, a missing body) stay exactly as they were; the refusals
 * made here come from {@link ApiErrors}, as they would in MVC.
 */
@Component
@Order(Caller.AUTHENTICATION_ORDER + 1)
class HotPathFilter extends OncePerRequestFilter {
    private static final String ADMISSIONS = "/api/v1/admissions";
    private static final String USAGE = "/api/v1/usage";
    private static final String BATCH = "/api/v1/usage:batch";
    // The handlers, named as MVC names them when a body is missing.
    private static final Method ADMIT = method("admit", HotPathController.AdmissionRequest.class);
    private static final Method SETTLE = method("usage", HotPathController.UsageRequest.class);
    private static final Method SETTLE_ALL =
            method("usageBatch", HotPathController.UsageBatch.class);

    private final HotPathController controller;
    private final ObjectMapper json;
    private final ApiErrors errors;

    HotPathFilter(HotPathController controller, ObjectMapper json, ApiErrors errors) {
        this.controller = controller;
        this.json = json;
        this.errors = errors;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI();
        return !"POST".equals(request.getMethod())
                || !(path.equals(ADMISSIONS) || path.equals(USAGE) || path.equals(BATCH))
                || request.getContentLengthLong() <= 0
                || !utf8Json(request.getContentType())
                || !takesJson(request.getHeader(HttpHeaders.ACCEPT))
                || !(request.getAttribute(Caller.REQUEST_ATTRIBUTE) instanceof Caller);
    }

    @Override
    protected void doFilterInternal(
            HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Caller caller = (Caller) request.getAttribute(Caller.REQUEST_ATTRIBUTE);
        ResponseEntity<Object> answer;
        try {
            answer =
                    ResponseEntity.ok(
                            switch (request.getRequestURI()) {
                                case ADMISSIONS ->
                                        controller.admit(
                                                caller,
                                                body(
                                                        request,
                                                        HotPathController.AdmissionRequest.class,
                                                        ADMIT));
                                case USAGE ->
                                        controller.usage(
                                                caller,
                                                body(
                                                        request,
                                                        HotPathController.UsageRequest.class,
                                                        SETTLE));
                                default ->
                                        controller.usageBatch(
                                                caller,
                                                body(
                                                        request,
                                                        HotPathController.UsageBatch.class,
                                                        SETTLE_ALL));
                            });
        } catch (RuntimeException e) {
            answer = errors.answer(e);
        }
        response.setStatus(answer.getStatusCode().value());
        response.setContentType("application/json");
        json.writeValue(response.getOutputStream(), answer.getBody());
    }

    private static Method method(String name, Class<?> body) {
        try {
            return HotPathController.class.getMethod(name, Caller.class, body);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The body as MVC's converter reads it, refused in the same words. */
    private <T> T body(HttpServletRequest request, Class<T> type, Method handler)
            throws IOException {
        HttpInputMessage message = inputMessage(request);
        T value;
        try {
            value = json.readValue(message.getBody(), type);
        } catch (JacksonException e) {
            throw new HttpMessageNotReadableException(
                    "JSON parse error: " + e.getOriginalMessage(), e, message);
        }
        if (value == null) {
            throw new HttpMessageNotReadableException(
                    "Required request body is missing: " + handler.toGenericString(), message);
        }
        return value;
    }

    private static HttpInputMessage inputMessage(HttpServletRequest request) {
        return new HttpInputMessage() {
            @Override
            public InputStream getBody() throws IOException {
                return request.getInputStream();
            }

            @Override
            public HttpHeaders getHeaders() {
                return new HttpHeaders();
            }
        };
    }

    static boolean utf8Json(String contentType) {
        if (contentType == null) {
            return false;
        }
        String type = contentType.toLowerCase(Locale.ROOT).replace(" ", "");
        return type.equals("application/json") || type.equals("application/json;charset=utf-8");
    }

    static boolean takesJson(String accept) {
        if (accept == null) {
            return true;
        }
        String types = accept.toLowerCase(Locale.ROOT).replace(" ", "");
        return types.equals("*/*")
                || types.equals("application/json")
                || types.equals("application/json,*/*");
    }
}
