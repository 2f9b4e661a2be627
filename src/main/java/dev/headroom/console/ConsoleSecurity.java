package dev.headroom.console;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

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
}
