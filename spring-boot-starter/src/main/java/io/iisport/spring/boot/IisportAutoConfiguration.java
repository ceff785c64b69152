package io.iisport.spring.boot;

import io.iisport.jetty.IisportConnectionCustomizer;
import org.apache.catalina.Valve;
import org.springframework.beans.BeanUtils;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.handler.NoUnboundElementsBindHandler;
import org.springframework.boot.jetty.servlet.JettyServletWebServerFactory;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.util.ClassUtils;

/**
 * Runs IIS module pipelines in a Spring Boot servlet application: one {@link io.iisport.filter.IisModuleFilter} per
 * {@code iisport.filters.<name>} (see {@link IisportProperties}), registered in declaration order; and gives the
 * embedded server the iisport connection extension it has:
 * <ul>
 *   <li>Jetty: {@link IisportConnectionCustomizer} is installed on every connector, as
 *   {@link IisportConnectionCustomizer#install} does for an embedded Jetty;</li>
 *   <li>Tomcat: the Valve of {@code iisport-tomcat-extension} ({@value #TOMCAT_VALVE}) is added to the engine, as
 *   {@code server.xml} would, when that artifact is on the class path (a dependency of the starter, found by class
 *   name so that an application may exclude it).</li>
 * </ul>
 * On another server, or Tomcat without its extension, the filters work and the connection actions they cannot carry
 * out degrade as the filter documents, each kind with one WARN at first use.
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@Import(IisportAutoConfiguration.FilterRegistrations.class)
public class IisportAutoConfiguration {
    /** The class name of the Valve of {@code iisport-tomcat-extension}. */
    static final String TOMCAT_VALVE = "io.iisport.tomcat.IisportConnectionValve";

    /** Installs the Jetty extension on the embedded Jetty. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({JettyServletWebServerFactory.class, IisportConnectionCustomizer.class})
    static class JettyConnectionConfiguration {
        @Bean
        WebServerFactoryCustomizer<JettyServletWebServerFactory> iisportJettyConnectionCustomizer() {
            return factory -> factory.addServerCustomizers(server -> new IisportConnectionCustomizer().install(server));
        }
    }

    /** Adds the Tomcat extension's Valve to the embedded Tomcat's engine. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(value = TomcatServletWebServerFactory.class, name = TOMCAT_VALVE)
    static class TomcatConnectionConfiguration {
        @Bean
        WebServerFactoryCustomizer<TomcatServletWebServerFactory> iisportTomcatConnectionValve() {
            return factory -> factory.addEngineValves(BeanUtils.instantiateClass(
                    ClassUtils.resolveClassName(TOMCAT_VALVE, factory.getClass().getClassLoader()), Valve.class));
        }
    }

    /**
     * Registers one {@link IisModuleFilterRegistrationBean} per {@code iisport.filters.<name>}, in declaration order,
     * named {@code iisport.filters.<name>}.
     */
    static class FilterRegistrations implements ImportBeanDefinitionRegistrar, EnvironmentAware {
        private Environment environment;

        @Override
        public void setEnvironment(Environment environment) {
            this.environment = environment;
        }

        @Override
        public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
            // A key no property binds (a misspelt one) fails start-up, as an unknown init-param fails web.xml.
            IisportProperties properties = Binder.get(environment)
                    .bind(IisportProperties.PREFIX, Bindable.of(IisportProperties.class),
                            new NoUnboundElementsBindHandler(BindHandler.DEFAULT))
                    .orElseGet(IisportProperties::new);
            properties.getFilters().forEach((name, filter) -> {
                RootBeanDefinition definition = new RootBeanDefinition(IisModuleFilterRegistrationBean.class,
                        () -> new IisModuleFilterRegistrationBean(name, filter));
                registry.registerBeanDefinition(IisportProperties.PREFIX + ".filters." + name, definition);
            });
        }
    }
}
