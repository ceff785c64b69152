package io.iisport.sample.rewrite;

import io.iisport.sample.rewrite.RewriteRule.Condition;
import io.iisport.sample.rewrite.RewriteRule.Conditions;
import io.iisport.sample.rewrite.RewriteRule.LogicalGrouping;
import io.iisport.sample.rewrite.RewriteRule.MatchType;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.PatternSyntaxException;
import javax.xml.XMLConstants;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.parsers.SAXParser;
import javax.xml.parsers.SAXParserFactory;
import org.xml.sax.Attributes;
import org.xml.sax.Locator;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import org.xml.sax.helpers.DefaultHandler;

/**
 * Reads a {@code <rewrite>} section in IIS URL Rewrite's own XML, as found in {@code web.config} under
 * {@code <system.webServer>}: {@code <rewrite><rules>} with {@code <rule>}, {@code <clear/>} and
 * {@code <remove name>}. Element and attribute names are those of the URL Rewrite configuration schema; a name this
 * port does not know or does not support (rewrite maps, outbound rules, {@code <serverVariables>}) is refused, not
 * ignored, so a copied section never loses a rule silently. Attribute defaults are IIS's.
 *
 * <p>The JDK's parser reads the file with secure processing and no document type declaration (so no external
 * entity is ever resolved); SAX is used rather than DOM so that every error can name its line.
 */
final class RewriteConfigParser {
    /** Attributes each element accepts; {@code responseCacheDirective} is accepted and has no effect (no kernel cache). */
    private static final Map<String, Set<String>> ATTRIBUTES = Map.of(
            "rewrite", Set.of(),
            "rules", Set.of(),
            "clear", Set.of(),
            "remove", Set.of("name"),
            "rule", Set.of("name", "enabled", "stopProcessing", "patternSyntax", "responseCacheDirective"),
            "match", Set.of("url", "ignoreCase", "negate"),
            "conditions", Set.of("logicalGrouping", "trackAllCaptures"),
            "add", Set.of("input", "matchType", "pattern", "ignoreCase", "negate"),
            "action", Set.of("type", "url", "appendQueryString", "logRewrittenUrl", "redirectType", "statusCode",
                    "subStatusCode", "statusReason", "statusDescription"));

    /** The children each element accepts. */
    private static final Map<String, Set<String>> CHILDREN = Map.of(
            "rewrite", Set.of("rules"),
            "rules", Set.of("rule", "clear", "remove"),
            "rule", Set.of("match", "conditions", "action"),
            "conditions", Set.of("add", "clear"));

    /** Elements of the URL Rewrite schema that this port refuses, with the reason. */
    private static final Map<String, String> UNSUPPORTED = Map.of(
            "rewriteMaps", "rewrite maps are not supported",
            "outboundRules", "outbound rules are not supported",
            "globalRules", "global rules belong to applicationHost.config; put the rules in <rules>",
            "allowedServerVariables", "setting server variables is not supported",
            "serverVariables", "setting server variables is not supported",
            "providers", "rewrite providers are not supported");

    /**
     * An element as read.
     *
     * @param line the line where its start tag ends, 0 if unknown
     * @param textLines the lines where text other than white space appears in it (none is allowed)
     */
    private record Element(String name, Map<String, String> attributes, int line, List<Element> children,
            List<Integer> textLines) {
    }

    private final String source;

    private RewriteConfigParser(String source) {
        this.source = source;
    }

    /**
     * Reads a rule file.
     *
     * @param input the XML
     * @param source the file's name, for messages
     * @return the enabled rules, in order
     * @throws IllegalArgumentException if the file is no well-formed XML or breaks a rule of the schema; the message
     *         names the file, the line, the rule and the attribute
     * @throws IOException if the file cannot be read
     */
    static List<RewriteRule> parse(InputStream input, String source) throws IOException {
        return new RewriteConfigParser(source).rules(read(input, source));
    }

    private static Element read(InputStream input, String source) throws IOException {
        SAXParser parser;
        try {
            SAXParserFactory factory = SAXParserFactory.newInstance();
            factory.setNamespaceAware(false);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
            factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            parser = factory.newSAXParser();
        } catch (ParserConfigurationException | SAXException e) {
            throw new IllegalStateException("the JDK's XML parser cannot be configured securely", e);
        }
        TreeBuilder builder = new TreeBuilder();
        try {
            parser.parse(input, builder);
        } catch (SAXParseException e) {
            throw new IllegalArgumentException(source + ", line " + e.getLineNumber() + ": not well-formed XML: "
                    + e.getMessage(), e);
        } catch (SAXException e) {
            throw new IllegalArgumentException(source + ": not well-formed XML: " + e.getMessage(), e);
        }
        return builder.root;
    }

    /** Builds the element tree, keeping each element's line. */
    private static final class TreeBuilder extends DefaultHandler {
        private final List<Element> open = new ArrayList<>();
        private Locator locator;
        private Element root;

        @Override
        public void setDocumentLocator(Locator locator) {
            this.locator = locator;
        }

        @Override
        public void startElement(String uri, String localName, String qName, Attributes attributes) {
            Map<String, String> values = new LinkedHashMap<>();
            for (int i = 0; i < attributes.getLength(); i++) {
                values.put(attributes.getQName(i), attributes.getValue(i));
            }
            Element element = new Element(qName, values, line(), new ArrayList<>(), new ArrayList<>());
            if (open.isEmpty()) {
                root = element;
            } else {
                open.get(open.size() - 1).children().add(element);
            }
            open.add(element);
        }

        @Override
        public void endElement(String uri, String localName, String qName) {
            open.remove(open.size() - 1);
        }

        @Override
        public void characters(char[] ch, int start, int length) {
            if (!new String(ch, start, length).isBlank()) {
                open.get(open.size() - 1).textLines().add(line());
            }
        }

        private int line() {
            return locator == null ? 0 : locator.getLineNumber();
        }
    }

    // ------------------------------------------------------------------ the schema

    private List<RewriteRule> rules(Element root) {
        if (!root.name().equals("rewrite")) {
            throw error(root, null, "the root element is <" + root.name() + ">: expected <rewrite>, the section of"
                    + " <system.webServer> in web.config");
        }
        check(root, null);
        Map<String, RewriteRule> rules = new LinkedHashMap<>();
        Map<String, Boolean> enabled = new LinkedHashMap<>();
        for (Element section : root.children()) {
            check(section, null);
            for (Element entry : section.children()) {
                check(entry, entry.attributes().get("name"));
                switch (entry.name()) {
                    case "clear" -> {
                        rules.clear();
                        enabled.clear();
                    }
                    case "remove" -> {
                        String name = required(entry, null, "name");
                        if (rules.remove(name) == null) {
                            throw error(entry, null, "attribute 'name' of <remove>: no rule named '" + name + "' above it");
                        }
                        enabled.remove(name);
                    }
                    default -> {
                        String name = required(entry, null, "name");
                        if (rules.containsKey(name)) {
                            throw error(entry, name, "attribute 'name' of <rule>: a rule of this name is already above");
                        }
                        rules.put(name, rule(entry, name));
                        enabled.put(name, bool(entry, name, "enabled", true));
                    }
                }
            }
        }
        return rules.values().stream().filter(rule -> enabled.get(rule.name())).toList();
    }

    private RewriteRule rule(Element rule, String name) {
        RulePattern.Syntax syntax = enumeration(rule, name, "patternSyntax", RulePattern.Syntax.class,
                RulePattern.Syntax.ECMAScript);
        Element match = only(rule, name, "match", true);
        Element conditionsElement = only(rule, name, "conditions", false);
        Element actionElement = only(rule, name, "action", false);

        check(match, name);
        RulePattern pattern = pattern(match, name, "url", syntax);
        boolean negate = bool(match, name, "negate", false);
        int ruleGroups = negate ? -1 : pattern.groupCount();

        Conditions conditions = Conditions.NONE;
        List<Integer> conditionGroups = new ArrayList<>();
        boolean trackAll = false;
        if (conditionsElement != null) {
            check(conditionsElement, name);
            LogicalGrouping grouping = enumeration(conditionsElement, name, "logicalGrouping", LogicalGrouping.class,
                    LogicalGrouping.MatchAll);
            trackAll = bool(conditionsElement, name, "trackAllCaptures", false);
            List<Condition> list = new ArrayList<>();
            for (Element add : conditionsElement.children()) {
                check(add, name);
                if (add.name().equals("clear")) {
                    list.clear();
                    conditionGroups.clear();
                    continue;
                }
                Substitution input = substitution(add, name, "input", required(add, name, "input"), ruleGroups,
                        conditionLimit(conditionGroups, trackAll));
                MatchType matchType = enumeration(add, name, "matchType", MatchType.class, MatchType.Pattern);
                boolean conditionNegate = bool(add, name, "negate", false);
                RulePattern conditionPattern = null;
                if (matchType == MatchType.Pattern) {
                    conditionPattern = pattern(add, name, "pattern", syntax);
                    if (!conditionNegate) {
                        conditionGroups.add(conditionPattern.groupCount());
                    }
                } else if (add.attributes().containsKey("pattern")) {
                    throw error(add, name, "attribute 'pattern' of <add>: not used with matchType " + matchType);
                }
                list.add(new Condition(input, matchType, conditionPattern, conditionNegate));
            }
            conditions = new Conditions(grouping, trackAll, List.copyOf(list));
        }
        RuleAction action = actionElement == null ? new RuleAction.None()
                : action(actionElement, name, ruleGroups, conditionLimit(conditionGroups, trackAll));
        return new RewriteRule(name, rule.line(), pattern, negate, conditions, action,
                bool(rule, name, "stopProcessing", false));
    }

    /** The highest {@code {C:n}} the conditions counted so far can fill, -1 if none captures. */
    private static int conditionLimit(List<Integer> groupCounts, boolean trackAll) {
        if (groupCounts.isEmpty()) {
            return -1;
        }
        if (trackAll) {
            return groupCounts.stream().mapToInt(count -> count + 1).sum() - 1;
        }
        return groupCounts.stream().mapToInt(Integer::intValue).max().orElse(-1);
    }

    private RuleAction action(Element action, String name, int ruleGroups, int conditionGroups) {
        check(action, name);
        String type = action.attributes().getOrDefault("type", "None");
        switch (type) {
            case "None":
                return new RuleAction.None();
            case "Rewrite": {
                Substitution url = substitution(action, name, "url", required(action, name, "url"), ruleGroups,
                        conditionGroups);
                if (url.toString().matches("(?i)^[a-z][a-z0-9+.-]*://.*")) {
                    throw error(action, name, "attribute 'url' of <action type=\"Rewrite\">: '" + url
                            + "' names another server; rewriting to another server needs Application Request Routing,"
                            + " which is not ported (use a Redirect)");
                }
                return new RuleAction.Rewrite(url, bool(action, name, "appendQueryString", true));
            }
            case "Redirect": {
                Substitution url = substitution(action, name, "url", required(action, name, "url"), ruleGroups,
                        conditionGroups);
                RuleAction.RedirectType redirectType = enumeration(action, name, "redirectType",
                        RuleAction.RedirectType.class, RuleAction.RedirectType.Permanent);
                return new RuleAction.Redirect(url, redirectType, bool(action, name, "appendQueryString", true));
            }
            case "CustomResponse": {
                int statusCode = number(action, name, "statusCode", required(action, name, "statusCode"), 100, 999);
                String sub = action.attributes().get("subStatusCode");
                int subStatusCode = sub == null ? 0 : number(action, name, "subStatusCode", sub, 0, 65535);
                return new RuleAction.CustomResponse(statusCode, subStatusCode,
                        optionalSubstitution(action, name, "statusReason", ruleGroups, conditionGroups),
                        optionalSubstitution(action, name, "statusDescription", ruleGroups, conditionGroups));
            }
            case "AbortRequest":
                return new RuleAction.AbortRequest();
            default:
                throw error(action, name, "attribute 'type' of <action> is '" + type
                        + "': expected None, Rewrite, Redirect, CustomResponse or AbortRequest");
        }
    }

    // ------------------------------------------------------------------ attribute readers

    /** Refuses an element this place does not accept, and attributes the element does not have. */
    private void check(Element element, String rule) {
        if (!element.textLines().isEmpty()) {
            throw error(element, rule, "text is not allowed in <" + element.name() + ">, found on line "
                    + element.textLines().get(0));
        }
        String unsupported = UNSUPPORTED.get(element.name());
        if (unsupported != null) {
            throw error(element, rule, "element <" + element.name() + ">: " + unsupported);
        }
        Set<String> allowed = ATTRIBUTES.get(element.name());
        if (allowed == null) {
            throw error(element, rule, "unknown element <" + element.name() + ">");
        }
        for (String attribute : element.attributes().keySet()) {
            if (!allowed.contains(attribute)) {
                throw error(element, rule, "unknown attribute '" + attribute + "' of <" + element.name() + ">"
                        + (allowed.isEmpty() ? "" : ": expected " + String.join(", ", allowed.stream().sorted().toList())));
            }
        }
        Set<String> children = CHILDREN.getOrDefault(element.name(), Set.of());
        for (Element child : element.children()) {
            if (!children.contains(child.name())) {
                String reason = UNSUPPORTED.get(child.name());
                throw error(child, rule, "element <" + child.name() + "> in <" + element.name() + ">: "
                        + (reason != null ? reason : children.isEmpty() ? "expected no child element"
                        : "expected " + String.join(", ", children.stream().sorted().map(c -> "<" + c + ">").toList())));
            }
        }
    }

    private Element only(Element parent, String rule, String childName, boolean required) {
        Element found = null;
        for (Element child : parent.children()) {
            if (child.name().equals(childName)) {
                if (found != null) {
                    throw error(child, rule, "a second <" + childName + "> in <" + parent.name() + ">");
                }
                found = child;
            }
        }
        if (found == null && required) {
            throw error(parent, rule, "<" + parent.name() + "> has no <" + childName + ">");
        }
        return found;
    }

    private String required(Element element, String rule, String attribute) {
        String value = element.attributes().get(attribute);
        if (value == null) {
            throw error(element, rule, "attribute '" + attribute + "' of <" + element.name() + "> is missing");
        }
        return value;
    }

    private boolean bool(Element element, String rule, String attribute, boolean defaultValue) {
        String value = element.attributes().get(attribute);
        if (value == null) {
            return defaultValue;
        }
        if (value.equalsIgnoreCase("true")) {
            return true;
        }
        if (value.equalsIgnoreCase("false")) {
            return false;
        }
        throw error(element, rule, "attribute '" + attribute + "' of <" + element.name() + "> is '" + value
                + "': expected true or false");
    }

    private int number(Element element, String rule, String attribute, String value, int min, int max) {
        if (value.matches("[0-9]{1,6}")) {
            int number = Integer.parseInt(value);
            if (number >= min && number <= max) {
                return number;
            }
        }
        throw error(element, rule, "attribute '" + attribute + "' of <" + element.name() + "> is '" + value
                + "': expected a number from " + min + " to " + max);
    }

    private <E extends Enum<E>> E enumeration(Element element, String rule, String attribute, Class<E> type,
            E defaultValue) {
        String value = element.attributes().get(attribute);
        if (value == null) {
            return defaultValue;
        }
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equalsIgnoreCase(value)) {
                return constant;
            }
        }
        List<String> names = new ArrayList<>();
        for (E constant : type.getEnumConstants()) {
            names.add(constant.name());
        }
        throw error(element, rule, "attribute '" + attribute + "' of <" + element.name() + "> is '" + value
                + "': expected one of " + String.join(", ", names));
    }

    private RulePattern pattern(Element element, String rule, String attribute, RulePattern.Syntax syntax) {
        String value = required(element, rule, attribute);
        try {
            return RulePattern.compile(value, syntax, bool(element, rule, "ignoreCase", true));
        } catch (PatternSyntaxException e) {
            throw error(element, rule, "attribute '" + attribute + "' of <" + element.name() + "> is no valid regular"
                    + " expression: " + e.getDescription() + " near index " + e.getIndex() + " of '" + value + "'");
        }
    }

    private Substitution optionalSubstitution(Element element, String rule, String attribute, int ruleGroups,
            int conditionGroups) {
        String value = element.attributes().get(attribute);
        return value == null ? null : substitution(element, rule, attribute, value, ruleGroups, conditionGroups);
    }

    /**
     * Parses a string with references and checks each back-reference against the groups that can fill it.
     *
     * @param ruleGroups the group count of the match pattern; -1 when the match is negated (no {@code {R:n}} then)
     * @param conditionGroups the highest {@code {C:n}} the conditions can fill; -1 when none captures
     */
    private Substitution substitution(Element element, String rule, String attribute, String value, int ruleGroups,
            int conditionGroups) {
        String where = "attribute '" + attribute + "' of <" + element.name() + ">";
        Substitution substitution;
        try {
            substitution = Substitution.parse(value);
        } catch (IllegalArgumentException e) {
            throw error(element, rule, where + " is '" + value + "': " + e.getMessage());
        }
        if (substitution.maxRuleReference() > ruleGroups) {
            throw error(element, rule, where + " uses {R:" + substitution.maxRuleReference() + "}, but "
                    + (ruleGroups < 0 ? "the <match> is negated, so it captures nothing"
                    : "the <match> pattern has " + ruleGroups + " group(s) ({R:0} to {R:" + ruleGroups + "})"));
        }
        if (substitution.maxConditionReference() > conditionGroups) {
            throw error(element, rule, where + " uses {C:" + substitution.maxConditionReference() + "}, but "
                    + (conditionGroups < 0 ? "no condition before it captures (a negated one captures nothing)"
                    : "the conditions fill {C:0} to {C:" + conditionGroups + "} only"));
        }
        return substitution;
    }

    private IllegalArgumentException error(Element element, String rule, String message) {
        StringBuilder text = new StringBuilder(source);
        if (element.line() > 0) {
            text.append(", line ").append(element.line());
        }
        text.append(": ");
        if (rule != null) {
            text.append("rule '").append(rule).append("': ");
        }
        return new IllegalArgumentException(text.append(message).toString());
    }
}
