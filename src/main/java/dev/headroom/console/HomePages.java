package dev.headroom.console;

import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;

/** The sign-in page, and where a signed-in member lands: admins on settings, members on usage. */
@Controller
class HomePages {

    @GetMapping("/login")
    String login() {
        return "console/login";
    }

    @GetMapping("/console")
    String home(@ModelAttribute("viewer") Viewer viewer) {
        return viewer.admin() && viewer.org().plan().hasSeats()
                ? "redirect:/console/settings/usage"
                : "redirect:/console/usage";
    }
}
