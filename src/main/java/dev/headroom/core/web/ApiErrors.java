package dev.headroom.core.web;

import dev.headroom.core.ApiException;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/** Maps every failure to the API's error body (EX-9): a 4xx with a code and a sentence. */
@RestControllerAdvice
public class ApiErrors {
    private static final Logger log = LoggerFactory.getLogger(ApiErrors.class);
    private static final String CHARACTER_NOT_IN_REPERTOIRE = "22021";

    public static Map<String, Object> body(String code, String message) {
        return Map.of("error", Map.of("code", code, "message", message));
    }

    /**
     * The answer this advice gives to {@code e}, for a path that answers without Spring MVC (the
     * lean hot path, issue 15): the same status and body as the handler of {@code e}'s type.
     */
    public ResponseEntity<Object> answer(Exception e) {
        return switch (e) {
            case ApiException api -> api(api);
            case HttpMessageNotReadableException unreadable -> unreadable(unreadable);
            case org.springframework.dao.DataIntegrityViolationException integrity ->
                    integrity(integrity);
            default -> unexpected(e);
        };
    }

    @ExceptionHandler(ApiException.class)
    ResponseEntity<Object> api(ApiException e) {
        return respond(e.status(), e.code(), e.getMessage());
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<Object> unreadable(HttpMessageNotReadableException e) {
        return respond(
                400,
                "VALIDATION_FAILED",
                "The request body is not valid JSON of the expected shape: " + reason(e));
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<Object> typeMismatch(MethodArgumentTypeMismatchException e) {
        return respond(
                400,
                "VALIDATION_FAILED",
                "'" + e.getValue() + "' is not a valid " + e.getName() + ".");
    }

    @ExceptionHandler(MissingServletRequestParameterException.class)
    ResponseEntity<Object> missingParameter(MissingServletRequestParameterException e) {
        return respond(
                400,
                "VALIDATION_FAILED",
                "The parameter " + e.getParameterName() + " is required.");
    }

    @ExceptionHandler(NoResourceFoundException.class)
    ResponseEntity<Object> noResource(NoResourceFoundException e) {
        return respond(404, "NOT_FOUND", "There is no such endpoint.");
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ResponseEntity<Object> method(HttpRequestMethodNotSupportedException e) {
        return respond(
                405, "METHOD_NOT_ALLOWED", "This endpoint does not accept " + e.getMethod() + ".");
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<Object> mediaType(HttpMediaTypeNotSupportedException e) {
        return respond(415, "UNSUPPORTED_MEDIA_TYPE", "Send the body as application/json.");
    }

    @ExceptionHandler(HttpMediaTypeNotAcceptableException.class)
    ResponseEntity<Object> notAcceptable(HttpMediaTypeNotAcceptableException e) {
        return respond(406, "NOT_ACCEPTABLE", "This endpoint answers application/json.");
    }

    /** A concurrent change hit a unique key (two members with one email at once, say). */
    @ExceptionHandler(org.springframework.dao.DataIntegrityViolationException.class)
    ResponseEntity<Object> integrity(org.springframework.dao.DataIntegrityViolationException e) {
        if (e.getMostSpecificCause() instanceof java.sql.SQLException sql
                && CHARACTER_NOT_IN_REPERTOIRE.equals(sql.getSQLState())) {
            // PostgreSQL text cannot hold NUL: bad input, refused before anything was written.
            return respond(
                    400,
                    "VALIDATION_FAILED",
                    "Text must not contain the NUL character (\\u0000); nothing was written.");
        }
        log.info(
                "Refused a write that broke a database constraint: {}",
                e.getMostSpecificCause().getMessage());
        return respond(
                409, "CONFLICT", "The change conflicts with existing data; nothing was written.");
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<Object> unexpected(Exception e) {
        log.error("Unexpected failure", e);
        return respond(
                500,
                "INTERNAL_ERROR",
                "Headroom failed unexpectedly; nothing was changed by this request.");
    }

    private static ResponseEntity<Object> respond(int status, String code, String message) {
        return ResponseEntity.status(HttpStatus.valueOf(status))
                .contentType(MediaType.APPLICATION_JSON)
                .body(body(code, message));
    }

    private static String reason(HttpMessageNotReadableException e) {
        Throwable cause = e.getMostSpecificCause();
        String message = cause.getMessage() == null ? "unreadable" : cause.getMessage();
        // Keep the first line: Jackson appends source locations that mean nothing to a caller.
        int newline = message.indexOf('\n');
        String first = newline > 0 ? message.substring(0, newline) : message;
        return first.length() > 300 ? first.substring(0, 300) : first;
    }
}
