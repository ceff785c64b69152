package io.iisport.spring.boot.sample;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A Spring Boot application whose module pipelines are all in its {@code application.properties}: the two IIS
 * documentation samples of the sample WAR on {@code /seed/*}, and HTTP logging with request filtering on
 * {@code /demo/*}, in front of a controller that names the path it answers.
 */
@SpringBootApplication
public class SeedApplication {
    public static void main(String[] args) {
        SpringApplication.run(SeedApplication.class, args);
    }

    /** The handler behind the module paths, as the sample WAR's servlet: a short text naming the path. */
    @RestController
    static class HelloController {
        @GetMapping({"/seed/*", "/demo/*"})
        String hello(HttpServletRequest request) {
            return "Hello from " + request.getMethod() + " " + request.getRequestURI() + "\n";
        }
    }
}
