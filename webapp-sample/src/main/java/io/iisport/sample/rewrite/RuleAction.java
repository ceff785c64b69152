package io.iisport.sample.rewrite;

/** The {@code <action>} of a rule: one type per record, with the attributes that type reads. */
sealed interface RuleAction {
    /** {@code type="None"}: nothing; with {@code stopProcessing} it shields later rules from the request. */
    record None() implements RuleAction {
    }

    /**
     * {@code type="Rewrite"}: the request goes on with another URL of the web application.
     *
     * @param url the substitution URL: a path (relative to the application root, with or without a leading '/')
     *        and an optional query string
     * @param appendQueryString whether the current query string is appended (default {@code true})
     */
    record Rewrite(Substitution url, boolean appendQueryString) implements RuleAction {
    }

    /**
     * {@code type="Redirect"}: the response is a redirect to the substitution URL.
     *
     * @param url the substitution URL, sent as {@code Location}
     * @param type the {@code redirectType}
     * @param appendQueryString whether the current query string is appended (default {@code true})
     */
    record Redirect(Substitution url, RedirectType type, boolean appendQueryString) implements RuleAction {
    }

    /**
     * {@code type="CustomResponse"}: the response is this status, with no handler run.
     *
     * @param statusCode {@code statusCode}, 100 to 999
     * @param subStatusCode {@code subStatusCode}, 0 to 65535 (default 0)
     * @param statusReason {@code statusReason}, or {@code null}
     * @param statusDescription {@code statusDescription}, or {@code null}
     */
    record CustomResponse(int statusCode, int subStatusCode, Substitution statusReason, Substitution statusDescription)
            implements RuleAction {
    }

    /** {@code type="AbortRequest"}: the connection is reset; the client gets no response. */
    record AbortRequest() implements RuleAction {
    }

    /** The {@code redirectType} of a Redirect, and the status it sends. */
    enum RedirectType {
        /** 301 Moved Permanently, the default. */
        Permanent(301, "Moved Permanently"),
        /** 302 Found. */
        Found(302, "Found"),
        /** 303 See Other. */
        SeeOther(303, "See Other"),
        /** 307 Temporary Redirect. */
        Temporary(307, "Temporary Redirect"),
        /** 308 Permanent Redirect. */
        PermanentRedirect(308, "Permanent Redirect");

        private final int status;
        private final String reason;

        RedirectType(int status, String reason) {
            this.status = status;
            this.reason = reason;
        }

        /** @return the status code sent */
        int status() {
            return status;
        }

        /** @return the reason phrase */
        String reason() {
            return reason;
        }
    }
}
