package io.iisport.sample.rewrite;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Expanding {@code {R:n}}, {@code {C:n}}, server variables and functions, and refusing what is none of them. */
class SubstitutionTest {
    private static final List<String> RULE = List.of("article/12/Hello World", "12", "Hello World");
    private static final List<String> CONDITION = List.of("www.contoso.com", "www");
    private static final Map<String, String> VARIABLES = Map.of("HTTP_HOST", "contoso.com", "HTTPS", "off");

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "article.aspx?id={R:1}&title={R:2}  | article.aspx?id=12&title=Hello World",
        "{R:0}                              | article/12/Hello World",
        "https://{HTTP_HOST}/{R:1}          | https://contoso.com/12",
        "{http_host}                        | contoso.com",
        "{C:1}.{C:0}                        | www.www.contoso.com",
        "{ToLower:{R:2}}                    | hello world",
        "{UrlEncode:{R:2}}                  | Hello+World",
        "{UrlDecode:a%20b}                  | a b",
        "{ToLower:X{UrlEncode:{R:2}/}}      | xhello+world%2f",
        "{R:9}{C:5}{NOT_SET}                | ''",
        "no references }                    | no references }",
        "''                                 | ''"
    })
    void expands(String source, String expanded) {
        Substitution substitution = Substitution.parse(source);
        assertThat(substitution.expand(RULE, CONDITION, VARIABLES::get), is(expanded));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{R:1}/{R:12}/{C:3} | 12 | 3",
        "{HTTP_HOST}        | -1 | -1",
        "{ToLower:{c:2}}    | -1 | 2"
    })
    void knowsTheHighestBackReference(String source, int rule, int condition) {
        Substitution substitution = Substitution.parse(source);
        assertThat(substitution.maxRuleReference(), is(rule));
        assertThat(substitution.maxConditionReference(), is(condition));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "a{R:1                | '{' at position 1 is not closed by '}'",
        "{R:}                 | back-reference '{R:}' needs a group number",
        "{R:x}                | back-reference '{R:x}' needs a group number",
        "{HTTP HOST}          | '{HTTP HOST}' is no server variable name",
        "{Map:{R:1}}          | '{Map:...}' names no function",
        "{ToLower:{R:1}       | '{' at position 0 is not closed by '}'",
        "{a{b}}               | '{' at position 0 is not closed by '}'"
    })
    void refuses(String source, String message) {
        IllegalArgumentException failure = assertThrows(IllegalArgumentException.class, () -> Substitution.parse(source));
        assertThat(failure.getMessage(), containsString(message));
    }
}
