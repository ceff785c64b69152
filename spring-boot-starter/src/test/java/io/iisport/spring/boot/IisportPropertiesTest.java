package io.iisport.spring.boot;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.PropertiesPropertySourceLoader;
import org.springframework.boot.env.PropertySourceLoader;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ClassPathResource;

/** How {@code iisport.filters.*} becomes the filters' registrations, from properties and from YAML. */
class IisportPropertiesTest {
    @Test
    void propertiesBecomeTheFiltersInitParamsInDeclarationOrder() throws IOException {
        Map<String, IisModuleFilterRegistrationBean> filters = registrations(
                new PropertiesPropertySourceLoader(), "application.properties");
        assertThat(List.copyOf(filters.keySet()), contains("set-need-disconnect", "reset-connection", "site"));
        IisModuleFilterRegistrationBean site = filters.get("site");
        assertThat(site.getUrlPatterns(), contains("/demo/*"));
        assertThat(site.getOrder(), is(IisportProperties.Filter.DEFAULT_ORDER));
        assertThat(site.getInitParameters(), is(Map.of(
                "modules", "HttpLogging=io.iisport.sample.logging.HttpLoggingModule\n"
                        + "RequestFiltering=io.iisport.sample.requestfiltering.RequestFilteringModule",
                "responseBufferLimit", "65536",
                "HttpLogging.selectiveLogging", "LogAll",
                "RequestFiltering.requestLimits.maxQueryString", "64",
                "RequestFiltering.fileExtensions.deny", ".config, .bak")));
        assertThat(filters.get("reset-connection").getInitParameters(),
                is(Map.of("modules", "ResetConnection=io.iisport.sample.seed.ResetConnectionSample")));
    }

    @Test
    void yamlConfiguresTheSameFilters() throws IOException {
        Map<String, IisModuleFilterRegistrationBean> properties = registrations(
                new PropertiesPropertySourceLoader(), "application.properties");
        Map<String, IisModuleFilterRegistrationBean> yaml = registrations(
                new YamlPropertySourceLoader(), "sample-application.yml");
        assertThat(List.copyOf(yaml.keySet()), is(List.copyOf(properties.keySet())));
        for (String name : properties.keySet()) {
            assertThat(name, yaml.get(name).getInitParameters(), is(properties.get(name).getInitParameters()));
            assertThat(name, yaml.get(name).getUrlPatterns(), is(properties.get(name).getUrlPatterns()));
        }
    }

    @Test
    void theFiltersOwnLimitsAndChoicesBecomeItsInitParams() {
        IisportProperties.Filter filter = new IisportProperties.Filter();
        filter.setModules(List.of("Log=io.iisport.sample.logging.HttpLoggingModule"));
        filter.setRequestBodyLimit("1024");
        filter.setPendingTimeout("2000");
        filter.setFiltersAround("ignore");
        assertThat(new IisModuleFilterRegistrationBean("site", filter).getInitParameters(), is(Map.of(
                "modules", "Log=io.iisport.sample.logging.HttpLoggingModule",
                "requestBodyLimit", "1024",
                "pendingTimeout", "2000",
                "filtersAround", "ignore")));
    }

    @Test
    void aSettingWithoutItsModuleNameIsRefused() {
        IisportProperties.Filter filter = new IisportProperties.Filter();
        filter.getSettings().put("responseBufferLimit", "0");
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> new IisModuleFilterRegistrationBean("site", filter));
        assertThat(refused.getMessage(), is("iisport.filters.site.settings.responseBufferLimit: a module setting is"
                + " named <module name>.<setting>, for example iisport.filters.site.settings.MyModule.responseBufferLimit"));
    }

    @Test
    void theReadmeShowsTheSampleApplicationsProperties() throws IOException {
        String properties = new ClassPathResource("application.properties").getContentAsString(StandardCharsets.UTF_8);
        String readme = Files.readString(Path.of("..", "README.md"));
        assertThat(readme, containsString("```properties\n" + properties + "```\n"));
    }

    private static Map<String, IisModuleFilterRegistrationBean> registrations(PropertySourceLoader loader, String file)
            throws IOException {
        MutablePropertySources sources = new MutablePropertySources();
        for (PropertySource<?> source : loader.load(file, new ClassPathResource(file))) {
            sources.addLast(source);
        }
        IisportProperties properties = new Binder(ConfigurationPropertySources.from(sources))
                .bind(IisportProperties.PREFIX, IisportProperties.class).get();
        Map<String, IisModuleFilterRegistrationBean> registrations = new LinkedHashMap<>();
        properties.getFilters().forEach((name, filter) ->
                registrations.put(name, new IisModuleFilterRegistrationBean(name, filter)));
        return registrations;
    }
}
