package io.iisport.sample.rewrite;

import io.iisport.sample.rewrite.RewriteRule.Condition;
import io.iisport.sample.rewrite.RewriteRule.Conditions;
import io.iisport.sample.rewrite.RewriteRule.LogicalGrouping;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a rule set over one request, as URL Rewrite's rule evaluation does: each rule's pattern is matched against
 * the URL path (relative to the application, without its leading '/' and without the query string); if it matches
 * and the conditions hold, the action runs. A Rewrite changes the URL the later rules see; {@code stopProcessing}
 * ends the evaluation after its rule applied; Redirect, CustomResponse and AbortRequest end it as well, since the
 * request ends with them.
 */
final class RewriteEngine {
    /** What the engine needs to know of the request besides its URL. */
    interface RequestFacts {
        /**
         * @param name a server variable name, upper case
         * @return its value, or {@code null} if it has none
         */
        String serverVariable(String name);

        /**
         * @param path the value of an {@code IsFile} condition's input
         * @return whether it names a file
         */
        boolean isFile(String path);

        /**
         * @param path the value of an {@code IsDirectory} condition's input
         * @return whether it names a directory
         */
        boolean isDirectory(String path);
    }

    /** What the rules decided for a request. */
    sealed interface Outcome {
    }

    /** No rule changed the request. */
    record Unchanged() implements Outcome {
    }

    /**
     * The URL was rewritten.
     *
     * @param url the new URL relative to the application root: '/', the path, and {@code ?query} if there is one
     * @param rule the name of the last rule that rewrote it
     */
    record Rewritten(String url, String rule) implements Outcome {
    }

    /**
     * A redirect.
     *
     * @param type the redirect type, with its status
     * @param location the {@code Location}
     * @param rule the rule's name
     */
    record Redirected(RuleAction.RedirectType type, String location, String rule) implements Outcome {
    }

    /**
     * A response with a status and no handler.
     *
     * @param statusCode the status code
     * @param subStatusCode the IIS sub-status
     * @param reason the reason phrase, or {@code null}
     * @param description the error description, or {@code null}
     * @param rule the rule's name
     */
    record CustomResponded(int statusCode, int subStatusCode, String reason, String description, String rule)
            implements Outcome {
    }

    /**
     * The connection is to be reset.
     *
     * @param rule the rule's name
     */
    record Aborted(String rule) implements Outcome {
    }

    private final List<RewriteRule> rules;

    RewriteEngine(List<RewriteRule> rules) {
        this.rules = List.copyOf(rules);
    }

    /**
     * Runs the rules.
     *
     * @param path the URL path relative to the application, decoded, without the leading '/'
     * @param query the query string, {@code ""} for none
     * @param facts the request's server variables and the application's files
     * @return what to do
     */
    Outcome evaluate(String path, String query, RequestFacts facts) {
        String rewrittenBy = null;
        for (RewriteRule rule : rules) {
            List<String> ruleGroups = rule.match().match(path);
            if (rule.negate()) {
                if (ruleGroups != null) {
                    continue;
                }
                ruleGroups = List.of();
            } else if (ruleGroups == null) {
                continue;
            }
            List<String> conditionGroups = conditions(rule.conditions(), ruleGroups, facts);
            if (conditionGroups == null) {
                continue;
            }
            RuleAction action = rule.action();
            if (action instanceof RuleAction.Rewrite rewrite) {
                String url = rewrite.url().expand(ruleGroups, conditionGroups, facts::serverVariable);
                int question = url.indexOf('?');
                String newPath = question < 0 ? url : url.substring(0, question);
                String newQuery = question < 0 ? "" : url.substring(question + 1);
                query = rewrite.appendQueryString() ? join(newQuery, query) : newQuery;
                path = newPath.startsWith("/") ? newPath.substring(1) : newPath;
                rewrittenBy = rule.name();
            } else if (action instanceof RuleAction.Redirect redirect) {
                String location = redirect.url().expand(ruleGroups, conditionGroups, facts::serverVariable);
                if (redirect.appendQueryString() && !query.isEmpty()) {
                    location += (location.indexOf('?') < 0 ? "?" : "&") + query;
                }
                return new Redirected(redirect.type(), location, rule.name());
            } else if (action instanceof RuleAction.CustomResponse custom) {
                return new CustomResponded(custom.statusCode(), custom.subStatusCode(),
                        expandOrNull(custom.statusReason(), ruleGroups, conditionGroups, facts),
                        expandOrNull(custom.statusDescription(), ruleGroups, conditionGroups, facts), rule.name());
            } else if (action instanceof RuleAction.AbortRequest) {
                return new Aborted(rule.name());
            }
            if (rule.stopProcessing()) {
                break;
            }
        }
        if (rewrittenBy == null) {
            return new Unchanged();
        }
        return new Rewritten("/" + path + (query.isEmpty() ? "" : "?" + query), rewrittenBy);
    }

    /** Evaluates the conditions; returns the {@code {C:n}} groups, or {@code null} if the conditions do not hold. */
    private static List<String> conditions(Conditions conditions, List<String> ruleGroups, RequestFacts facts) {
        List<String> captures = List.of();
        for (Condition condition : conditions.list()) {
            String input = condition.input().expand(ruleGroups, captures, facts::serverVariable);
            List<String> groups = null;
            boolean matched = switch (condition.matchType()) {
                case IsFile -> facts.isFile(input);
                case IsDirectory -> facts.isDirectory(input);
                case Pattern -> (groups = condition.pattern().match(input)) != null;
            };
            boolean holds = matched != condition.negate();
            if (holds && !condition.negate() && groups != null) {
                if (conditions.trackAllCaptures()) {
                    List<String> all = new ArrayList<>(captures);
                    all.addAll(groups);
                    captures = List.copyOf(all);
                } else {
                    captures = groups;
                }
            }
            if (holds && conditions.grouping() == LogicalGrouping.MatchAny) {
                return captures;
            }
            if (!holds && conditions.grouping() == LogicalGrouping.MatchAll) {
                return null;
            }
        }
        boolean noneHeld = conditions.grouping() == LogicalGrouping.MatchAny && !conditions.list().isEmpty();
        return noneHeld ? null : captures;
    }

    private static String join(String first, String second) {
        if (first.isEmpty()) {
            return second;
        }
        return second.isEmpty() ? first : first + "&" + second;
    }

    private static String expandOrNull(Substitution text, List<String> ruleGroups, List<String> conditionGroups,
            RequestFacts facts) {
        return text == null ? null : text.expand(ruleGroups, conditionGroups, facts::serverVariable);
    }

    /** @return the rules, in evaluation order */
    List<RewriteRule> rules() {
        return rules;
    }
}
