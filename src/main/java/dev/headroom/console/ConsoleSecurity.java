package dev.headroom.console;

import dev.headroom.core.web.ApiErrors;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import tools.jackson.databind.ObjectMapper;

/**
 * Form sign-in, sessions and CSRF protection for the console only. The JSON API keeps its own
 * bearer keys ({@code ApiKeyFilter}): no Spring Security filter runs on {@code /api/**}, so the hot
 * path pays nothing for the console.
 */
@Configuration
class ConsoleSecurity {

    @Bean
    SecurityFilterChain consoleChain(HttpSecurity http, ConsoleSignIn signIn) throws Exception {
        http.securityMatcher("/console", "/console/**", "/login", "/logout")
                .authenticationProvider(signIn)
                .authorizeHttpRequests(auth ->
                        auth.requestMatchers("/login").permitAll().anyRequest().authenticated())
                .formLogin(form ->
                        form.loginPage("/login")
                                .usernameParameter("email")
                                .defaultSuccessUrl("/console", true)
                                .failureUrl("/login?error"))
                .logout(logout -> logout.logoutUrl("/logout").logoutSuccessUrl("/login?signedOut"))
                .headers(headers ->
                        headers.contentSecurityPolicy(csp ->
                                csp.policyDirectives(
                                        "default-src 'self'; img-src 'self' data:;"
                                                + " frame-ancestors 'none'; form-action 'self'")));
        return http.build();
    }

    /**
     * Spring Security's firewall looks at every request, also those no chain matches: a path it
     * refuses (a "..", "//" or encoded dot segment) gets the API's error body, not a bare 400.
     */
    @Bean
    RequestRejectedHandler rejectedPaths(ObjectMapper json) {
        return (request, response, rejected) -> {
            response.setStatus(400);
            response.setContentType("application/json");
            json.writeValue(
                    response.getOutputStream(),
                    ApiErrors.body(
                            "VALIDATION_FAILED",
                            "The request path is not valid: it must not contain empty or dot segments."));
        };
    }
}
