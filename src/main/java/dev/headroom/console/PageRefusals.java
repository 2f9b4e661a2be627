package dev.headroom.console;

import dev.headroom.core.ApiException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.ui.Model;
import org.springframework.web.servlet.support.RequestContextUtils;

/**
 * How the Members and API keys pages show a refused change: the page again (post/redirect/get) with
 * the service's sentence at the top, so an owner reads exactly what the API would have answered. A
 * page that may not be shown at all goes to the console's error page.
 */
final class PageRefusals {
    private PageRefusals() {}

    static String refused(
            ApiException e,
            HttpServletRequest request,
            HttpServletResponse response,
            Model model,
            String page) {
        if ("POST".equals(request.getMethod())) {
            RequestContextUtils.getOutputFlashMap(request).put("problem", e.getMessage());
            return "redirect:" + page;
        }
        response.setStatus(e.status());
        model.addAttribute("status", e.status());
        model.addAttribute("message", e.getMessage());
        return "console/error";
    }
}
