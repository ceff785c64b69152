package io.iisport.filter;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;

/**
 * How a buffered response ends when the servlet asked for an ending the container carries out: the servlet's
 * {@code sendError} or {@code sendRedirect}, or its failure, is held until the final send, so that
 * {@code RQ_SEND_RESPONSE} modules still see (and may replace) the response, and the container's own error pages and
 * redirect rules still apply.
 */
sealed interface DeferredEnding {
    /**
     * {@code sendError(status, message)}: the container renders its error page (web.xml {@code <error-page>}
     * mappings included).
     *
     * @param message the servlet's message, or {@code null} for the module's error description
     */
    record SendError(String message) implements DeferredEnding {
    }

    /**
     * {@code sendRedirect}: the container resolves the location by its own rules (Jetty makes a relative one a path
     * from the root, or a full URL where relative redirects are not allowed; Tomcat keeps it relative with its default
     * {@code useRelativeRedirects}: Jetty's {@code Response.toRedirectURI}, Tomcat's {@code Response.sendRedirect}) and
     * writes its redirect body. Servlet 6.1's variants add the status and whether the
     * body written so far is dropped ({@code clearBuffer}) or sent with the redirect; Servlet 6.0's
     * {@code sendRedirect(location)} is {@code (302, true)}.
     *
     * @param location the servlet's location, as it gave it
     * @param status the redirect's status
     * @param clearBuffer whether the body written before is dropped
     */
    record SendRedirect(String location, int status, boolean clearBuffer) implements DeferredEnding {
        /**
         * Servlet 6.1's {@code sendRedirect(String, int, boolean)} of each container response class, looked up once
         * per class; {@code null} where it has none (a Servlet 6.0 container). The project compiles against Servlet
         * 6.0, so the method is called by reflection.
         */
        private static final ClassValue<Method> SERVLET_61 = new ClassValue<>() {
            @Override
            protected Method computeValue(Class<?> type) {
                try {
                    // Through the interface where the container's Servlet API declares it, so that any response class
                    // (public or not) is reached by virtual dispatch.
                    return HttpServletResponse.class.getMethod("sendRedirect", String.class, int.class, boolean.class);
                } catch (NoSuchMethodException servlet60) {
                    // A response class that has it although its Servlet API does not: looked up on its first public
                    // class, which can be called from here; an override below it is reached by virtual dispatch.
                    Class<?> c = type;
                    while (c != null && !Modifier.isPublic(c.getModifiers())) {
                        c = c.getSuperclass();
                    }
                    try {
                        return c == null ? null : c.getMethod("sendRedirect", String.class, int.class, boolean.class);
                    } catch (NoSuchMethodException none) {
                        return null;
                    }
                }
            }
        };

        /** @return whether it is Servlet 6.0's {@code sendRedirect(location)}: 302, the body dropped */
        boolean plain() {
            return status == HttpServletResponse.SC_FOUND && clearBuffer;
        }

        /**
         * Carries the redirect out on the container's response: Servlet 6.0's {@code sendRedirect(location)} for a
         * plain one, else the container's Servlet 6.1 method, after {@code keepBody} put the body written so far into
         * the container's buffer unless {@code clearBuffer} (Jetty's {@code sendRedirect} takes it from there and
         * sends it with the redirect; Tomcat's sends it after the redirect's headers).
         *
         * @param keepBody puts the buffered body into the container's buffer, unsent
         * @return whether the container carried it out; {@code false} where its response has no Servlet 6.1 method
         *     (no application calls the variants there but through the filter's own class): the status and the
         *     {@code Location} the servlet gave stay as set, and the body goes as buffered
         */
        boolean carryOut(HttpServletResponse real, KeepBody keepBody) throws IOException {
            if (plain()) {
                real.sendRedirect(location);
                return true;
            }
            Method servlet61 = SERVLET_61.get(real.getClass());
            if (servlet61 == null) {
                return false;
            }
            if (!clearBuffer) {
                keepBody.keep();
            }
            try {
                servlet61.invoke(real, location, status, clearBuffer);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException("sendRedirect(String, int, boolean) of " + real.getClass(), e);
            } catch (InvocationTargetException e) {
                Throwable cause = e.getCause();
                if (cause instanceof IOException io) {
                    throw io;
                }
                if (cause instanceof RuntimeException runtime) {
                    throw runtime;
                }
                if (cause instanceof Error error) {
                    throw error;
                }
                throw new IOException(cause);
            }
            return true;
        }

        /** Puts the buffered body into the container's buffer without sending it. */
        @FunctionalInterface
        interface KeepBody {
            void keep() throws IOException;
        }
    }

    /**
     * The handler threw before its response was committed: {@code RQ_SEND_RESPONSE} modules see the error response
     * (the status the container will answer with), the body goes into the container's buffer unsent, and the filter
     * rethrows, so that the container answers as without the filter (its error page, an {@code <error-page>} for the
     * exception, or Tomcat's 500 with that body where none is mapped). A module that writes a body or sets a status
     * in {@code RQ_SEND_RESPONSE} takes over: its response is sent, and nothing is rethrown.
     */
    record HandlerFailed() implements DeferredEnding {
    }
}
