package io.iisport.spring.boot.etag;

import io.iisport.spring.boot.IisportProperties;
import jakarta.servlet.DispatcherType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.filter.ShallowEtagHeaderFilter;

/**
 * A Boot application with Spring's {@link ShallowEtagHeaderFilter} declared before the module filter (the test
 * configures a module that returns PENDING at BEGIN_REQUEST, with {@code filters-around=ignore}).
 */
@SpringBootApplication
@RestController
public class EtagApplication {
    /** The body the controller answers. */
    public static final String BODY = "hello behind an ETag filter";

    @GetMapping("/etag/hello")
    public String hello() {
        return BODY;
    }

    @Bean
    FilterRegistrationBean<ShallowEtagHeaderFilter> etagFilter() {
        FilterRegistrationBean<ShallowEtagHeaderFilter> registration =
                new FilterRegistrationBean<>(new ShallowEtagHeaderFilter());
        registration.setOrder(IisportProperties.Filter.DEFAULT_ORDER - 1);
        registration.setDispatcherTypes(DispatcherType.REQUEST, DispatcherType.ASYNC);
        return registration;
    }
}
