package dev.headroom.console;

import java.util.List;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.web.servlet.DelegatingFilterProxyRegistrationBean;
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
    static final List<String> CONSOLE_PATHS =
            List.of("/console", "/console/*", "/login", "/logout");

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
