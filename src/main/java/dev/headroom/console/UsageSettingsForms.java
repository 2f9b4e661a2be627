package dev.headroom.console;

import dev.headroom.console.UsageSettingsPage.Dialog;
import dev.headroom.core.ApiException;
import dev.headroom.organization.Role;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.function.Supplier;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;
import org.springframework.web.servlet.support.RequestContextUtils;

/**
 * What every form of "Organisation settings > Usage" does: check the viewer's role, make the change
 * through the same service as the API, and post/redirect/get with a notice — or, refused, show the
 * page again with the modal the change came from open and the API's sentence in it.
 */
abstract class UsageSettingsForms {
    private static final String VIEWER = UsageSettingsForms.class.getName() + ".viewer";
    private static final String DIALOG = UsageSettingsForms.class.getName() + ".dialog";

    private final UsageSettingsPage page;

    UsageSettingsForms(UsageSettingsPage page) {
        this.page = page;
    }

    /**
     * The one change helper: notes where a change comes from (for {@link #refused}), checks that
     * the viewer has {@code role} (owners change settings, admins review requests), makes it, and
     * shows what it did on the next page.
     */
    static String change(Viewer viewer, Dialog dialog, Role role, Supplier<String> makeChange) {
        HttpServletRequest request =
                ((ServletRequestAttributes) RequestContextHolder.currentRequestAttributes())
                        .getRequest();
        request.setAttribute(VIEWER, viewer);
        request.setAttribute(DIALOG, dialog);
        viewer.caller().requireRole(viewer.org().id(), role);
        RequestContextUtils.getOutputFlashMap(request).put("notice", makeChange.get());
        return "redirect:" + UsageSettingsPage.PAGE;
    }

    /**
     * A refused change: the page again, with the API's status, the modal the change came from open
     * and the API's sentence in it. Refusals of the page itself (403, an unknown target without a
     * modal) go to the console's error page.
     */
    @ExceptionHandler(ApiException.class)
    String refused(
            ApiException e, HttpServletRequest request, HttpServletResponse response, Model model) {
        Viewer viewer = (Viewer) request.getAttribute(VIEWER);
        Dialog dialog = (Dialog) request.getAttribute(DIALOG);
        response.setStatus(e.status());
        if (viewer == null
                || dialog == null
                || e.status() == 403
                || e.status() == 404 && dialog.name() == null) {
            model.addAttribute("status", e.status());
            model.addAttribute("message", e.getMessage());
            return "console/error";
        }
        Dialog failed =
                new Dialog(dialog.name(), dialog.memberId(), e.getMessage(), dialog.amount());
        // No refused change alters the org or member rows, so the viewer read for this request
        // stands.
        return page.render(viewer, null, 0, failed, model);
    }

    /**
     * Notes where a change comes from (for {@link #refused}), and checks that the viewer has {@code
     * role} (owners change settings, admins review requests).
     */
    private static void allow(HttpServletRequest request, Viewer viewer, Dialog dialog, Role role) {
        request.setAttribute(VIEWER, viewer);
        request.setAttribute(DIALOG, dialog);
        viewer.caller().requireRole(viewer.org().id(), role);
    }

    /** Each rendered payment form carries a fresh key, so a double submit pays once. */
    static String consoleKey(String formKey) {
        return blank(formKey) ? null : "console:" + formKey;
    }

    static boolean blank(String text) {
        return text == null || text.isBlank();
    }
}
