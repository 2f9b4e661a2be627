package dev.headroom.core.web;

import java.io.IOException;
import java.io.Writer;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;

/**
 * Tomcat refuses some requests before they reach Spring (an encoded NUL in the path, a broken URL
 * encoding). This valve answers those in the API's error format instead of Tomcat's HTML page.
 */
public class JsonErrorReportValve extends ErrorReportValve {

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        String code =
                status == 404 ? "NOT_FOUND" : status < 500 ? "VALIDATION_FAILED" : "INTERNAL_ERROR";
        String message =
                status < 500
                        ? "The request could not be read: its URL or headers are malformed."
                        : "Headroom failed unexpectedly; nothing was changed by this request.";
        try {
            response.setContentType("application/json");
            response.setCharacterEncoding("UTF-8");
            Writer writer = response.getReporter();
            if (writer != null) {
                writer.write(
                        "{\"error\":{\"code\":\"" + code + "\",\"message\":\"" + message + "\"}}");
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // The client went away; nothing more can be said.
        }
    }
}
