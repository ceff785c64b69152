package io.iisport.sample.rewrite;

import java.util.List;

/**
 * One {@code <rule>} of a {@code <rewrite><rules>} section, as loaded: disabled rules are not kept.
 *
 * @param name the rule's {@code name}, unique in the file
 * @param line the line of the {@code <rule>} element in the rule file, for messages; 0 if unknown
 * @param match the {@code <match url>} pattern
 * @param negate the {@code <match negate>}: the rule applies when the pattern does not match (no {@code {R:n}} then)
 * @param conditions the {@code <conditions>}
 * @param action the {@code <action>}
 * @param stopProcessing the rule's {@code stopProcessing}: no later rule runs once this one applied
 */
record RewriteRule(String name, int line, RulePattern match, boolean negate, Conditions conditions, RuleAction action,
        boolean stopProcessing) {

    /** The {@code logicalGrouping} of {@code <conditions>}. */
    enum LogicalGrouping {
        /** Every condition must hold (the default). */
        MatchAll,
        /** One condition must hold; the first that does ends the evaluation. */
        MatchAny
    }

    /** A condition's {@code matchType}. */
    enum MatchType {
        /** The input matches {@code pattern} (the default). */
        Pattern,
        /** The input names a file of the web application. */
        IsFile,
        /** The input names a directory of the web application. */
        IsDirectory
    }

    /**
     * The {@code <conditions>} element.
     *
     * @param grouping its {@code logicalGrouping}
     * @param trackAllCaptures its {@code trackAllCaptures}: {@code {C:n}} numbers the groups of every matched
     *        condition instead of the last one's
     * @param list the {@code <add>} elements, in order
     */
    record Conditions(LogicalGrouping grouping, boolean trackAllCaptures, List<Condition> list) {
        /** No conditions: the rule applies whenever its URL pattern matches. */
        static final Conditions NONE = new Conditions(LogicalGrouping.MatchAll, false, List.of());
    }

    /**
     * One {@code <add>} of {@code <conditions>}.
     *
     * @param input the {@code input}, such as {@code {HTTP_HOST}}
     * @param matchType the {@code matchType}
     * @param pattern the {@code pattern}; {@code null} for {@code IsFile} and {@code IsDirectory}
     * @param negate the {@code negate}: the condition holds when the input does not match (it then captures nothing)
     */
    record Condition(Substitution input, MatchType matchType, RulePattern pattern, boolean negate) {
    }
}
