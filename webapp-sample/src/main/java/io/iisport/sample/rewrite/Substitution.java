package io.iisport.sample.rewrite;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * A string with URL Rewrite's curly-brace references, parsed once when the rules load and expanded per request: a
 * condition's {@code input} and the {@code url} of the Rewrite and Redirect actions (and the texts of
 * CustomResponse).
 *
 * <ul>
 *   <li>{@code {R:n}}: group {@code n} of the rule's {@code <match url>} pattern ({@code {R:0}} is the whole match);</li>
 *   <li>{@code {C:n}}: group {@code n} of the last matched condition (with {@code trackAllCaptures}, of all matched
 *       conditions in order, each contributing its group 0 first);</li>
 *   <li>{@code {NAME}}: server variable {@code NAME}, such as {@code {HTTP_HOST}}, {@code {HTTPS}},
 *       {@code {QUERY_STRING}} or {@code {HTTP_USER_AGENT}}; a variable without value is empty;</li>
 *   <li>{@code {ToLower:...}}, {@code {UrlEncode:...}}, {@code {UrlDecode:...}}: the function of the text inside,
 *       which may hold references itself.</li>
 * </ul>
 * A group that took no part in the match is empty. Anything else between braces is refused when the rules load
 * (rewrite maps, which use the same syntax, are not ported).
 */
final class Substitution {
    /** The functions URL Rewrite documents; rewrite maps are not ported. */
    private enum Function1 {
        ToLower(text -> text.toLowerCase(Locale.ROOT)),
        UrlEncode(text -> URLEncoder.encode(text, StandardCharsets.UTF_8)),
        UrlDecode(text -> URLDecoder.decode(text, StandardCharsets.UTF_8));

        private final UnaryOperator<String> apply;

        Function1(UnaryOperator<String> apply) {
            this.apply = apply;
        }
    }

    /** One piece of the parsed string. */
    private sealed interface Part {
    }

    private record Literal(String text) implements Part {
    }

    private record RuleReference(int index) implements Part {
    }

    private record ConditionReference(int index) implements Part {
    }

    private record Variable(String name) implements Part {
    }

    private record Call(Function1 function, List<Part> argument) implements Part {
    }

    private final String source;
    private final List<Part> parts;
    private int maxRuleReference = -1;
    private int maxConditionReference = -1;

    private Substitution(String source) {
        this.source = source;
        int[] position = {0};
        this.parts = parse(position, false);
    }

    /**
     * Parses a string.
     *
     * @param source the string as written in the rule
     * @return the parsed string
     * @throws IllegalArgumentException if a brace is not closed, a reference index is no number, a variable name holds
     *         other characters than letters, digits and '_', or a function is unknown
     */
    static Substitution parse(String source) {
        return new Substitution(source);
    }

    private List<Part> parse(int[] position, boolean inCall) {
        List<Part> parsed = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        while (position[0] < source.length()) {
            char c = source.charAt(position[0]);
            if (c == '}' && inCall) {
                break;
            }
            if (c != '{') {
                literal.append(c);
                position[0]++;
                continue;
            }
            if (literal.length() > 0) {
                parsed.add(new Literal(literal.toString()));
                literal.setLength(0);
            }
            parsed.add(reference(position));
        }
        if (literal.length() > 0) {
            parsed.add(new Literal(literal.toString()));
        }
        return List.copyOf(parsed);
    }

    /** Parses the reference that starts at the '{' at {@code position[0]}, leaving the position past its '}'. */
    private Part reference(int[] position) {
        int start = position[0];
        int nameEnd = start + 1;
        while (nameEnd < source.length() && source.charAt(nameEnd) != ':' && source.charAt(nameEnd) != '}'
                && source.charAt(nameEnd) != '{') {
            nameEnd++;
        }
        if (nameEnd >= source.length() || source.charAt(nameEnd) == '{') {
            throw new IllegalArgumentException("'{' at position " + start + " is not closed by '}'");
        }
        String name = source.substring(start + 1, nameEnd);
        if (source.charAt(nameEnd) == '}') {
            position[0] = nameEnd + 1;
            if (!name.matches("[A-Za-z0-9_]+")) {
                throw new IllegalArgumentException("'{" + name + "}' is no server variable name (letters, digits, '_')");
            }
            return new Variable(name.toUpperCase(Locale.ROOT));
        }
        if (name.equalsIgnoreCase("R") || name.equalsIgnoreCase("C")) {
            int close = source.indexOf('}', nameEnd);
            if (close < 0) {
                throw new IllegalArgumentException("'{' at position " + start + " is not closed by '}'");
            }
            String digits = source.substring(nameEnd + 1, close);
            if (!digits.matches("[0-9]{1,4}")) {
                throw new IllegalArgumentException("back-reference '" + source.substring(start, close + 1)
                        + "' needs a group number, as in {" + name + ":1}");
            }
            position[0] = close + 1;
            int index = Integer.parseInt(digits);
            if (name.equalsIgnoreCase("R")) {
                maxRuleReference = Math.max(maxRuleReference, index);
                return new RuleReference(index);
            }
            maxConditionReference = Math.max(maxConditionReference, index);
            return new ConditionReference(index);
        }
        Function1 function = null;
        for (Function1 candidate : Function1.values()) {
            if (candidate.name().equalsIgnoreCase(name)) {
                function = candidate;
            }
        }
        if (function == null) {
            throw new IllegalArgumentException("'{" + name + ":...}' names no function: expected ToLower, UrlEncode or"
                    + " UrlDecode (rewrite maps are not supported)");
        }
        position[0] = nameEnd + 1;
        List<Part> argument = parse(position, true);
        if (position[0] >= source.length()) {
            throw new IllegalArgumentException("'{' at position " + start + " is not closed by '}'");
        }
        position[0]++;
        return new Call(function, argument);
    }

    /**
     * Expands the string for one request.
     *
     * @param ruleGroups the groups of the rule's match, group 0 first; empty when the match was negated
     * @param conditionGroups the condition groups, as {@code {C:n}} numbers them
     * @param variables server variable name (upper case) to value, {@code null} for none
     * @return the expanded text
     */
    String expand(List<String> ruleGroups, List<String> conditionGroups, Function<String, String> variables) {
        StringBuilder out = new StringBuilder();
        expand(parts, ruleGroups, conditionGroups, variables, out);
        return out.toString();
    }

    private static void expand(List<Part> parts, List<String> ruleGroups, List<String> conditionGroups,
            Function<String, String> variables, StringBuilder out) {
        for (Part part : parts) {
            if (part instanceof Literal literal) {
                out.append(literal.text());
            } else if (part instanceof RuleReference reference) {
                out.append(group(ruleGroups, reference.index()));
            } else if (part instanceof ConditionReference reference) {
                out.append(group(conditionGroups, reference.index()));
            } else if (part instanceof Variable variable) {
                String value = variables.apply(variable.name());
                out.append(value == null ? "" : value);
            } else if (part instanceof Call call) {
                StringBuilder argument = new StringBuilder();
                expand(call.argument(), ruleGroups, conditionGroups, variables, argument);
                out.append(call.function().apply.apply(argument.toString()));
            }
        }
    }

    private static String group(List<String> groups, int index) {
        return index < groups.size() ? groups.get(index) : "";
    }

    /** @return the highest {@code {R:n}} index used, -1 if none */
    int maxRuleReference() {
        return maxRuleReference;
    }

    /** @return the highest {@code {C:n}} index used, -1 if none */
    int maxConditionReference() {
        return maxConditionReference;
    }

    /** @return whether the string holds no reference at all */
    boolean isLiteral() {
        return parts.stream().allMatch(part -> part instanceof Literal);
    }

    @Override
    public String toString() {
        return source;
    }
}
