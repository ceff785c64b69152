package io.iisport.sample.rewrite;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Loading a {@code <rewrite>} section: defaults as IIS has them, and every mistake refused with where it is. */
class RewriteConfigParserTest {
    static List<RewriteRule> parse(String xml) throws IOException {
        return RewriteConfigParser.parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)), "/WEB-INF/rewrite.config");
    }

    @Test
    void readsTheDefaultsOfTheSchema() throws IOException {
        List<RewriteRule> rules = parse("""
                <?xml version="1.0" encoding="UTF-8"?>
                <rewrite>
                  <rules>
                    <rule name="a"><match url="^x$" /><action type="Redirect" url="/y" /></rule>
                    <rule name="b"><match url="^x$" /></rule>
                  </rules>
                </rewrite>""");
        RewriteRule a = rules.get(0);
        assertThat(a.name(), is("a"));
        assertThat(a.line(), is(4));
        assertThat(a.stopProcessing(), is(false));
        assertThat(a.negate(), is(false));
        assertThat(a.match().match("X"), contains("X"));
        assertThat(a.conditions(), is(RewriteRule.Conditions.NONE));
        RuleAction.Redirect redirect = (RuleAction.Redirect) a.action();
        assertThat(redirect.type(), is(RuleAction.RedirectType.Permanent));
        assertThat(redirect.appendQueryString(), is(true));
        assertThat(rules.get(1).action(), instanceOf(RuleAction.None.class));
    }

    @Test
    void clearAndRemoveEditTheListAsInIis() throws IOException {
        List<RewriteRule> rules = parse("""
                <rewrite><rules>
                  <rule name="gone"><match url="a" /></rule>
                  <clear />
                  <rule name="one"><match url="a" /></rule>
                  <rule name="two"><match url="a" /></rule>
                  <rule name="three"><match url="a" /></rule>
                  <remove name="two" />
                </rules></rewrite>""");
        assertThat(rules.stream().map(RewriteRule::name).toList(), contains("one", "three"));
    }

    @Test
    void readsEveryRedirectTypeAndTheCustomResponseAttributes() throws IOException {
        List<RewriteRule> rules = parse("""
                <rewrite><rules>
                  <rule name="r1"><match url="a" /><action type="Redirect" url="/b" redirectType="Found" /></rule>
                  <rule name="r2"><match url="a" /><action type="Redirect" url="/b" redirectType="SeeOther" /></rule>
                  <rule name="r3"><match url="a" /><action type="Redirect" url="/b" redirectType="Temporary" /></rule>
                  <rule name="r4"><match url="a" /><action type="Redirect" url="/b" redirectType="PermanentRedirect" /></rule>
                  <rule name="c"><match url="a" /><action type="CustomResponse" statusCode="403" subStatusCode="7"
                      statusReason="Forbidden" statusDescription="Go away" /></rule>
                </rules></rewrite>""");
        assertThat(rules.subList(0, 4).stream().map(rule -> ((RuleAction.Redirect) rule.action()).type().status()).toList(),
                contains(302, 303, 307, 308));
        RuleAction.CustomResponse custom = (RuleAction.CustomResponse) rules.get(4).action();
        assertThat(custom.statusCode(), is(403));
        assertThat(custom.subStatusCode(), is(7));
        assertThat(custom.statusReason().toString(), is("Forbidden"));
        assertThat(custom.statusDescription().toString(), is("Go away"));
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of(Named.of("not well-formed", "<rewrite><rules>\n<rule name=\"a\">\n</rules></rewrite>"),
                        "/WEB-INF/rewrite.config, line 3: not well-formed XML"),
                Arguments.of(Named.of("a document type declaration (no external entity is ever read)",
                        "<?xml version=\"1.0\"?>\n<!DOCTYPE rewrite [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n"
                                + "<rewrite><rules><rule name=\"&x;\"><match url=\"a\"/></rule></rules></rewrite>"),
                        "line 2: not well-formed XML"),
                Arguments.of(Named.of("another root", "<configuration/>"),
                        "line 1: the root element is <configuration>: expected <rewrite>"),
                Arguments.of(Named.of("a bad regular expression", rule("<match url=\"^article/([0-9]+\" />")),
                        "line 2: rule 'R1': attribute 'url' of <match> is no valid regular expression: Unclosed group"),
                Arguments.of(Named.of("a bad condition pattern", rule("<match url=\".*\" />\n<conditions>"
                                + "<add input=\"{HTTP_HOST}\" pattern=\"[a-\" /></conditions>")),
                        "line 3: rule 'R1': attribute 'pattern' of <add> is no valid regular expression"),
                Arguments.of(Named.of("an unknown action type", rule("<match url=\"a\" /><action type=\"Proxy\" url=\"x\" />")),
                        "line 2: rule 'R1': attribute 'type' of <action> is 'Proxy': expected None, Rewrite, Redirect,"
                                + " CustomResponse or AbortRequest"),
                Arguments.of(Named.of("an unknown attribute", rule("<match url=\"a\" ignorecase=\"true\" />")),
                        "line 2: rule 'R1': unknown attribute 'ignorecase' of <match>: expected ignoreCase, negate, url"),
                Arguments.of(Named.of("an unknown attribute of <rule>",
                        "<rewrite><rules>\n<rule name=\"R1\" stop=\"true\"><match url=\"a\" /></rule></rules></rewrite>"),
                        "line 2: rule 'R1': unknown attribute 'stop' of <rule>"),
                Arguments.of(Named.of("an unknown element", rule("<match url=\"a\" /><condition />")),
                        "line 2: rule 'R1': element <condition> in <rule>: expected <action>, <conditions>, <match>"),
                Arguments.of(Named.of("rewrite maps", "<rewrite><rules/>\n<rewriteMaps/></rewrite>"),
                        "line 2: element <rewriteMaps> in <rewrite>: rewrite maps are not supported"),
                Arguments.of(Named.of("server variables", rule("<match url=\"a\" /><serverVariables/>")),
                        "rule 'R1': element <serverVariables> in <rule>: setting server variables is not supported"),
                Arguments.of(Named.of("{R:n} past the groups", rule("<match url=\"^a/(.*)\" /><action type=\"Rewrite\" url=\"b/{R:2}\" />")),
                        "line 2: rule 'R1': attribute 'url' of <action> uses {R:2}, but the <match> pattern has 1 group(s)"),
                Arguments.of(Named.of("{R:n} with a negated match", rule("<match url=\"^a/(.*)\" negate=\"true\" />"
                                + "<action type=\"Redirect\" url=\"b/{R:0}\" />")),
                        "uses {R:0}, but the <match> is negated, so it captures nothing"),
                Arguments.of(Named.of("{C:n} with no capturing condition", rule("<match url=\"a\" />"
                                + "<action type=\"Redirect\" url=\"b/{C:1}\" />")),
                        "rule 'R1': attribute 'url' of <action> uses {C:1}, but no condition before it captures"),
                Arguments.of(Named.of("{C:n} past the groups", rule("<match url=\"a\" /><conditions>"
                                + "<add input=\"{HTTP_HOST}\" pattern=\"^(.+)$\" /></conditions><action type=\"Redirect\" url=\"/{C:2}\" />")),
                        "uses {C:2}, but the conditions fill {C:0} to {C:1} only"),
                Arguments.of(Named.of("an unknown function", rule("<match url=\"(.*)\" /><action type=\"Rewrite\" url=\"{Map:{R:1}}\" />")),
                        "rule 'R1': attribute 'url' of <action> is '{Map:{R:1}}': '{Map:...}' names no function"),
                Arguments.of(Named.of("a rewrite to another server", rule("<match url=\"(.*)\" />"
                                + "<action type=\"Rewrite\" url=\"http://backend/{R:1}\" />")),
                        "needs Application Request Routing"),
                Arguments.of(Named.of("a missing url", rule("<match url=\"a\" /><action type=\"Redirect\" />")),
                        "rule 'R1': attribute 'url' of <action> is missing"),
                Arguments.of(Named.of("a missing match", rule("<action type=\"AbortRequest\" />")),
                        "rule 'R1': <rule> has no <match>"),
                Arguments.of(Named.of("a bad boolean", rule("<match url=\"a\" negate=\"yes\" />")),
                        "rule 'R1': attribute 'negate' of <match> is 'yes': expected true or false"),
                Arguments.of(Named.of("a bad status code", rule("<match url=\"a\" /><action type=\"CustomResponse\" statusCode=\"4030\" />")),
                        "attribute 'statusCode' of <action> is '4030': expected a number from 100 to 999"),
                Arguments.of(Named.of("a bad redirect type", rule("<match url=\"a\" /><action type=\"Redirect\" url=\"/\" redirectType=\"Moved\" />")),
                        "attribute 'redirectType' of <action> is 'Moved': expected one of Permanent, Found, SeeOther, Temporary, PermanentRedirect"),
                Arguments.of(Named.of("a bad logical grouping", rule("<match url=\"a\" /><conditions logicalGrouping=\"Any\" />")),
                        "attribute 'logicalGrouping' of <conditions> is 'Any': expected one of MatchAll, MatchAny"),
                Arguments.of(Named.of("a bad pattern syntax",
                        "<rewrite><rules>\n<rule name=\"R1\" patternSyntax=\"Regex\"><match url=\"a\" /></rule></rules></rewrite>"),
                        "rule 'R1': attribute 'patternSyntax' of <rule> is 'Regex': expected one of ECMAScript, Wildcard, ExactMatch"),
                Arguments.of(Named.of("a duplicate name", "<rewrite><rules>\n<rule name=\"R1\"><match url=\"a\" /></rule>\n"
                                + "<rule name=\"R1\"><match url=\"b\" /></rule></rules></rewrite>"),
                        "line 3: rule 'R1': attribute 'name' of <rule>: a rule of this name is already above"),
                Arguments.of(Named.of("a rule without name", "<rewrite><rules>\n<rule><match url=\"a\" /></rule></rules></rewrite>"),
                        "line 2: attribute 'name' of <rule> is missing"),
                Arguments.of(Named.of("an invalid rule that is disabled", "<rewrite><rules>\n<rule name=\"R1\" enabled=\"false\">"
                                + "<match url=\"(\" /></rule></rules></rewrite>"),
                        "rule 'R1': attribute 'url' of <match> is no valid regular expression"),
                Arguments.of(Named.of("text in an element", rule("<match url=\"a\" />oops")),
                        "line 2: rule 'R1': text is not allowed in <rule>, found on line 2"));
    }

    private static String rule(String body) {
        return "<rewrite><rules>\n<rule name=\"R1\">" + body + "</rule></rules></rewrite>";
    }

    @ParameterizedTest
    @MethodSource("refused")
    void refusesWithTheFileTheLineTheRuleAndTheAttribute(String xml, String message) {
        IllegalArgumentException failure = assertThrows(IllegalArgumentException.class, () -> parse(xml));
        assertThat(failure.getMessage(), containsString(message));
        assertThat(failure.getMessage(), containsString("/WEB-INF/rewrite.config"));
    }
}
