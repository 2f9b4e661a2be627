package dev.headroom.console;

import dev.headroom.organization.ConsoleAccounts;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.util.List;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.web.servlet.DelegatingFilterProxyRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Form sign-in, sessions and CSRF protection for the console only. The JSON API keeps its own
 * bearer keys ({@code ApiKeyFilter}): no Spring Security filter runs on {@code /api/**}, so the hot
 * path pays nothing for the console.
 */
@Configuration
class ConsoleSecurity {
    static final List<String> CONSOLE_PATHS =
            List.of("/console", "/console/*", "/login", "/logout");

    @Bean
    SecurityFilterChain consoleChain(
            HttpSecurity http, ConsoleSignIn signIn, ConsoleAccounts accounts) throws Exception {
        http.securityMatcher("/console", "/console/**", "/login", "/logout")
                // Its own manager without a parent: a parent would check a refused password a
                // second time and count each failure twice (EX-15).
                .authenticationManager(new ProviderManager(signIn))
                .addFilterAfter(new PresentMembersOnly(accounts), AuthorizationFilter.class)
                .authorizeHttpRequests(auth ->
                        auth.requestMatchers("/login").permitAll().anyRequest().authenticated())
                .formLogin(form ->
                        form.loginPage("/login")
                                .usernameParameter("email")
                                .defaultSuccessUrl("/console", true)
                                .failureHandler(ConsoleSecurity::signInFailed))
                .logout(logout -> logout.logoutUrl("/logout").logoutSuccessUrl("/login?signedOut"))
                .headers(headers ->
                        headers.contentSecurityPolicy(csp ->
                                csp.policyDirectives(
                                        "default-src 'self'; img-src 'self' data:;"
                                                + " frame-ancestors 'none'; form-action 'self'")));
        return http.build();
    }

    /** A throttled sign-in says how long to wait (EX-15); any other failure says only "wrong". */
    private static void signInFailed(
            HttpServletRequest request,
            HttpServletResponse response,
            AuthenticationException failure)
            throws IOException {
        String query =
                failure instanceof ConsoleSignIn.Throttled throttled
                        ? "wait=" + throttled.minutes
                        : "error";
        response.sendRedirect(request.getContextPath() + "/login?" + query);
    }

    /**
     * EX-13: a member who left, or whose console account is gone, is signed out at their next click
     * and lands on the sign-in page (htmx requests are told to go there).
     */
    static final class PresentMembersOnly extends OncePerRequestFilter {
        private final ConsoleAccounts accounts;

        PresentMembersOnly(ConsoleAccounts accounts) {
            this.accounts = accounts;
        }

        @Override
        protected void doFilterInternal(
                HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            Authentication signedIn = SecurityContextHolder.getContext().getAuthentication();
            if (signedIn != null
                    && signedIn.getPrincipal() instanceof ConsoleSignIn.ConsoleUser user
                    && !accounts.signsIn(user.orgId(), user.memberId())) {
                HttpSession session = request.getSession(false);
                if (session != null) {
                    session.invalidate();
                }
                SecurityContextHolder.clearContext();
                String target = request.getContextPath() + "/login?ended";
                if ("true".equals(request.getHeader("HX-Request"))) {
                    response.setHeader("HX-Redirect", target);
                    response.setStatus(204);
                } else {
                    response.sendRedirect(target);
                }
                return;
            }
            chain.doFilter(request, response);
        }
    }

    /**
     * Spring Security's filter is registered for the console's paths only, so API requests never
     * pass through it: the hot path pays nothing for the console.
     */
    @Bean
    static BeanPostProcessor securityFilterOnConsolePathsOnly() {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessBeforeInitialization(Object bean, String name) {
                if (bean instanceof DelegatingFilterProxyRegistrationBean registration
                        && "securityFilterChainRegistration".equals(name)) {
                    registration.setUrlPatterns(CONSOLE_PATHS);
                }
                return bean;
            }
        };
    }
}
