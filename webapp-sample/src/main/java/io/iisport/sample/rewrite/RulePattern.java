package io.iisport.sample.rewrite;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The pattern of a {@code <match url>} or of a condition, in one of URL Rewrite's three {@code patternSyntax} values.
 * {@code ECMAScript} is a regular expression found anywhere in the input (anchor it with {@code ^}/{@code $});
 * {@code Wildcard} matches the whole input, each {@code *} capturing what it matched; {@code ExactMatch} matches the
 * whole input as literal text. {@code ignoreCase} defaults to {@code true}, as in IIS.
 *
 * <p>ECMAScript patterns run on {@link java.util.regex}: the constructs rewrite rules use (classes, groups,
 * quantifiers, anchors, alternation, look-ahead) mean the same; a pattern {@code java.util.regex} cannot compile is
 * refused when the rules load.
 */
final class RulePattern {
    /** URL Rewrite's {@code patternSyntax} attribute. */
    enum Syntax {
        ECMAScript, Wildcard, ExactMatch
    }

    private final String source;
    private final Syntax syntax;
    private final Pattern pattern;

    private RulePattern(String source, Syntax syntax, Pattern pattern) {
        this.source = source;
        this.syntax = syntax;
        this.pattern = pattern;
    }

    /**
     * Compiles a pattern.
     *
     * @param source the pattern as written
     * @param syntax its syntax
     * @param ignoreCase whether letters match ignoring case
     * @return the compiled pattern
     * @throws PatternSyntaxException if an ECMAScript pattern is no valid regular expression
     */
    static RulePattern compile(String source, Syntax syntax, boolean ignoreCase) {
        int flags = ignoreCase ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE : 0;
        String regex = switch (syntax) {
            case ECMAScript -> source;
            case ExactMatch -> "^" + Pattern.quote(source) + "$";
            case Wildcard -> wildcardToRegex(source);
        };
        return new RulePattern(source, syntax, Pattern.compile(regex, flags));
    }

    private static String wildcardToRegex(String wildcard) {
        StringBuilder regex = new StringBuilder("^");
        StringBuilder literal = new StringBuilder();
        for (int i = 0; i < wildcard.length(); i++) {
            char c = wildcard.charAt(i);
            if (c == '*' || c == '?') {
                if (literal.length() > 0) {
                    regex.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                // "*" captures any run of characters; "?" matches one character and captures nothing.
                regex.append(c == '*' ? "(.*)" : ".");
            } else {
                literal.append(c);
            }
        }
        if (literal.length() > 0) {
            regex.append(Pattern.quote(literal.toString()));
        }
        return regex.append('$').toString();
    }

    /**
     * Matches the input.
     *
     * @param input the text to match
     * @return the captures, group 0 (the whole match) first, a group that took no part as {@code ""};
     *         {@code null} if the pattern does not match
     */
    List<String> match(String input) {
        Matcher matcher = pattern.matcher(input);
        if (!matcher.find()) {
            return null;
        }
        List<String> groups = new ArrayList<>(matcher.groupCount() + 1);
        for (int i = 0; i <= matcher.groupCount(); i++) {
            String group = matcher.group(i);
            groups.add(group == null ? "" : group);
        }
        return groups;
    }

    /** @return the number of capturing groups, not counting group 0 */
    int groupCount() {
        return pattern.matcher("").groupCount();
    }

    @Override
    public String toString() {
        return syntax == Syntax.ECMAScript ? source : syntax.name().toLowerCase(Locale.ROOT) + ":" + source;
    }
}
