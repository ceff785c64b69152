package io.iisport.sample.rewrite;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import io.iisport.sample.rewrite.RewriteEngine.Aborted;
import io.iisport.sample.rewrite.RewriteEngine.CustomResponded;
import io.iisport.sample.rewrite.RewriteEngine.Outcome;
import io.iisport.sample.rewrite.RewriteEngine.Redirected;
import io.iisport.sample.rewrite.RewriteEngine.Rewritten;
import io.iisport.sample.rewrite.RewriteEngine.Unchanged;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Rule evaluation on the examples of the IIS URL Rewrite documentation (configuration reference, "Creating Rewrite
 * Rules for the URL Rewrite Module", "Using Back References"), each as a rule file in IIS's own XML.
 */
class RewriteEngineTest {
    /** Server variables from a map; files and directories from sets. */
    record Facts(Map<String, String> variables, Set<String> files, Set<String> directories)
            implements RewriteEngine.RequestFacts {
        Facts(Map<String, String> variables) {
            this(variables, Set.of(), Set.of());
        }

        @Override
        public String serverVariable(String name) {
            return variables.get(name);
        }

        @Override
        public boolean isFile(String path) {
            return files.contains(path);
        }

        @Override
        public boolean isDirectory(String path) {
            return directories.contains(path);
        }
    }

    static RewriteEngine engine(String rules) throws IOException {
        String xml = "<rewrite>\n<rules>\n" + rules + "\n</rules>\n</rewrite>\n";
        return new RewriteEngine(RewriteConfigParser.parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)),
                "test.config"));
    }

    // "Creating Rewrite Rules for the URL Rewrite Module": the article rule.
    static final String ARTICLE = """
            <rule name="Rewrite to article.aspx">
              <match url="^article/([0-9]+)/([_0-9a-z-]+)" />
              <action type="Rewrite" url="article.aspx?id={R:1}&amp;title={R:2}" />
            </rule>""";

    @ParameterizedTest
    @CsvSource({
        "article/234/some-title, '', /article.aspx?id=234&title=some-title",
        "article/234/Some-Title, '', /article.aspx?id=234&title=Some-Title",
        "ARTICLE/7/x, '', /article.aspx?id=7&title=x",
        "article/234/some-title, ref=home, /article.aspx?id=234&title=some-title&ref=home",
        "article/234/some-title/more, '', /article.aspx?id=234&title=some-title"
    })
    void rewritesTheArticleUrlOfTheDocumentation(String path, String query, String rewritten) throws IOException {
        Outcome outcome = engine(ARTICLE).evaluate(path, query, new Facts(Map.of()));
        assertThat(outcome, is(new Rewritten(rewritten, "Rewrite to article.aspx")));
    }

    @ParameterizedTest
    @CsvSource({"article/abc/title", "articles/1/x", "x/article/1/x", "article/1/Ü"})
    void leavesOtherUrlsAlone(String path) throws IOException {
        assertThat(engine(ARTICLE).evaluate(path, "", new Facts(Map.of())), is(new Unchanged()));
    }

    // "Creating Rewrite Rules": the canonical host name rule, with a negated {HTTP_HOST} condition.
    static final String CANONICAL_HOST = """
            <rule name="Canonical Host Name" stopProcessing="true">
              <match url="(.*)" />
              <conditions>
                <add input="{HTTP_HOST}" negate="true" pattern="^www\\.contoso\\.com$" />
              </conditions>
              <action type="Redirect" url="http://www.contoso.com/{R:1}" redirectType="Permanent" />
            </rule>""";

    @ParameterizedTest
    @CsvSource({
        "contoso.com, products/1, '', http://www.contoso.com/products/1",
        "CONTOSO.com, '', '', http://www.contoso.com/",
        "contoso.com, a, q=1&r=2, http://www.contoso.com/a?q=1&r=2"
    })
    void redirectsToTheCanonicalHostName(String host, String path, String query, String location) throws IOException {
        Outcome outcome = engine(CANONICAL_HOST).evaluate(path, query, new Facts(Map.of("HTTP_HOST", host)));
        assertThat(outcome, is(new Redirected(RuleAction.RedirectType.Permanent, location, "Canonical Host Name")));
    }

    @ParameterizedTest
    @CsvSource({"www.contoso.com", "WWW.Contoso.COM"})
    void theCanonicalHostIsNotRedirected(String host) throws IOException {
        assertThat(engine(CANONICAL_HOST).evaluate("products/1", "", new Facts(Map.of("HTTP_HOST", host))),
                is(new Unchanged()));
    }

    // The HTTPS redirect people copy from the IIS forums and documentation.
    static final String HTTPS = """
            <rule name="HTTP to HTTPS" stopProcessing="true">
              <match url="(.*)" />
              <conditions>
                <add input="{HTTPS}" pattern="^OFF$" />
              </conditions>
              <action type="Redirect" url="https://{HTTP_HOST}/{R:1}" redirectType="Found" appendQueryString="false" />
            </rule>""";

    @Test
    void redirectsPlainHttpToHttpsWithoutTheQueryWhenAsked() throws IOException {
        Outcome outcome = engine(HTTPS).evaluate("cart/checkout", "step=2",
                new Facts(Map.of("HTTPS", "off", "HTTP_HOST", "shop.example:8080")));
        assertThat(outcome, is(new Redirected(RuleAction.RedirectType.Found, "https://shop.example:8080/cart/checkout",
                "HTTP to HTTPS")));
        assertThat(engine(HTTPS).evaluate("cart", "", new Facts(Map.of("HTTPS", "on", "HTTP_HOST", "shop.example"))),
                is(new Unchanged()));
    }

    // "Using Back References": the sub-domain rule, {C:1} from the last matched condition, {R:0} from the match.
    static final String SUBDOMAIN = """
            <rule name="Subdomain redirect" stopProcessing="true">
              <match url=".*" />
              <conditions>
                <add input="{HTTP_HOST}" pattern="^www\\.localtest\\.me$" negate="true" />
                <add input="{HTTP_HOST}" pattern="^([^.]+)\\.localtest\\.me$" />
              </conditions>
              <action type="Redirect" url="http://localtest.me/{C:1}/{R:0}" redirectType="Temporary" />
            </rule>""";

    @Test
    void conditionBackReferencesComeFromTheLastMatchedCondition() throws IOException {
        Outcome outcome = engine(SUBDOMAIN).evaluate("article.aspx", "", new Facts(Map.of("HTTP_HOST", "sub.localtest.me")));
        assertThat(outcome, is(new Redirected(RuleAction.RedirectType.Temporary, "http://localtest.me/sub/article.aspx",
                "Subdomain redirect")));
        assertThat(engine(SUBDOMAIN).evaluate("a", "", new Facts(Map.of("HTTP_HOST", "www.localtest.me"))),
                is(new Unchanged()));
    }

    @Test
    void aQueryStringConditionFeedsARewrite() throws IOException {
        RewriteEngine engine = engine("""
                <rule name="user">
                  <match url="^profile$" />
                  <conditions><add input="{QUERY_STRING}" pattern="^name=([a-z]+)$" /></conditions>
                  <action type="Rewrite" url="users/{ToLower:{C:1}}/{UrlEncode:{HTTP_X_NOTE}}" appendQueryString="false" />
                </rule>""");
        Outcome outcome = engine.evaluate("profile", "name=Ada",
                new Facts(Map.of("QUERY_STRING", "name=Ada", "HTTP_X_NOTE", "a b&c")));
        assertThat(outcome, is(new Rewritten("/users/ada/a+b%26c", "user")));
    }

    @Test
    void laterRulesSeeTheRewrittenUrlUntilStopProcessing() throws IOException {
        RewriteEngine engine = engine("""
                <rule name="one"><match url="^a/(.*)" /><action type="Rewrite" url="/b/{R:1}?from=a" /></rule>
                <rule name="two" stopProcessing="true"><match url="^b/(.*)" /><action type="Rewrite" url="c/{R:1}" /></rule>
                <rule name="three"><match url="^c/" /><action type="AbortRequest" /></rule>""");
        assertThat(engine.evaluate("a/x", "q=1", new Facts(Map.of())), is(new Rewritten("/c/x?from=a&q=1", "two")));
        assertThat(engine.evaluate("c/x", "", new Facts(Map.of())), is(new Aborted("three")));
    }

    @Test
    void aNoneRuleWithStopProcessingShieldsTheRest() throws IOException {
        RewriteEngine engine = engine("""
                <rule name="static" stopProcessing="true"><match url="^static/" /><action type="None" /></rule>
                <rule name="block"><match url=".*" /><action type="CustomResponse" statusCode="403" /></rule>""");
        assertThat(engine.evaluate("static/site.css", "", new Facts(Map.of())), is(new Unchanged()));
        assertThat(engine.evaluate("page", "", new Facts(Map.of())), is(new CustomResponded(403, 0, null, null, "block")));
    }

    @Test
    void aCustomResponseCarriesItsStatusSubStatusReasonAndDescription() throws IOException {
        RewriteEngine engine = engine("""
                <rule name="Block bots">
                  <match url=".*" />
                  <conditions logicalGrouping="MatchAny">
                    <add input="{HTTP_USER_AGENT}" pattern="SpamBot" />
                    <add input="{HTTP_USER_AGENT}" pattern="(Evil)Crawler" />
                  </conditions>
                  <action type="CustomResponse" statusCode="403" subStatusCode="502" statusReason="Forbidden: {C:1}"
                      statusDescription="No {C:1} crawlers on {R:0}." />
                </rule>""");
        assertThat(engine.evaluate("docs", "", new Facts(Map.of("HTTP_USER_AGENT", "EvilCrawler/1.0"))),
                is(new CustomResponded(403, 502, "Forbidden: Evil", "No Evil crawlers on docs.", "Block bots")));
        assertThat(engine.evaluate("docs", "", new Facts(Map.of("HTTP_USER_AGENT", "SpamBot"))),
                is(new CustomResponded(403, 502, "Forbidden: ", "No  crawlers on docs.", "Block bots")));
        assertThat(engine.evaluate("docs", "", new Facts(Map.of("HTTP_USER_AGENT", "curl"))), is(new Unchanged()));
        assertThat(engine.evaluate("docs", "", new Facts(Map.of())), is(new Unchanged()));
    }

    @Test
    void trackAllCapturesNumbersTheGroupsOfEveryMatchedCondition() throws IOException {
        RewriteEngine engine = engine("""
                <rule name="all">
                  <match url=".*" />
                  <conditions trackAllCaptures="true">
                    <add input="{HTTP_HOST}" pattern="^(\\w+)\\.example$" />
                    <add input="{QUERY_STRING}" pattern="lang=(\\w+)" />
                  </conditions>
                  <action type="Rewrite" url="{C:1}/{C:3}/{C:0}" appendQueryString="false" />
                </rule>""");
        assertThat(engine.evaluate("x", "lang=fr", new Facts(Map.of("HTTP_HOST", "shop.example", "QUERY_STRING", "lang=fr"))),
                is(new Rewritten("/shop/fr/shop.example", "all")));
    }

    @Test
    void aNegatedMatchAppliesWhenThePatternDoesNotMatch() throws IOException {
        RewriteEngine engine = engine("""
                <rule name="only api"><match url="^api/" negate="true" /><action type="CustomResponse" statusCode="404" /></rule>""");
        assertThat(engine.evaluate("api/v1", "", new Facts(Map.of())), is(new Unchanged()));
        assertThat(engine.evaluate("other", "", new Facts(Map.of())), is(new CustomResponded(404, 0, null, null, "only api")));
    }

    @Test
    void ignoreCaseFalseMatchesCase() throws IOException {
        RewriteEngine engine = engine("""
                <rule name="r"><match url="^Docs$" ignoreCase="false" /><action type="Redirect" url="/docs" /></rule>""");
        assertThat(engine.evaluate("docs", "", new Facts(Map.of())), is(new Unchanged()));
        assertThat(engine.evaluate("Docs", "", new Facts(Map.of())),
                is(new Redirected(RuleAction.RedirectType.Permanent, "/docs", "r")));
    }

    @ParameterizedTest
    @CsvSource({
        "Wildcard, */*.html, contoso/test.html, /show/contoso/test",
        "Wildcard, */*.html, contoso/test.htm, ''",
        "Wildcard, page?.aspx, page1.aspx, /show//",
        "ExactMatch, old.aspx, OLD.aspx, /show//",
        "ExactMatch, old.aspx, old.aspx.bak, ''"
    })
    void wildcardAndExactMatchSyntaxes(String syntax, String pattern, String path, String rewritten) throws IOException {
        RewriteEngine engine = engine("<rule name=\"r\" patternSyntax=\"" + syntax + "\"><match url=\"" + pattern
                + "\" /><action type=\"Rewrite\" url=\"show/" + (syntax.equals("Wildcard") && pattern.startsWith("*")
                ? "{R:1}/{R:2}" : "/") + "\" /></rule>");
        Outcome outcome = engine.evaluate(path, "", new Facts(Map.of()));
        assertThat(outcome, is(rewritten.isEmpty() ? new Unchanged() : new Rewritten(rewritten, "r")));
    }

    @Test
    void isFileAndIsDirectoryConditionsLetExistingFilesThrough() throws IOException {
        // The front-controller rule of most PHP and SPA sites.
        RewriteEngine engine = engine("""
                <rule name="front controller" stopProcessing="true">
                  <match url="^(.*)$" />
                  <conditions>
                    <add input="{REQUEST_FILENAME}" matchType="IsFile" negate="true" />
                    <add input="{REQUEST_FILENAME}" matchType="IsDirectory" negate="true" />
                  </conditions>
                  <action type="Rewrite" url="index.php?path={R:1}" />
                </rule>""");
        Facts facts = new Facts(Map.of("REQUEST_FILENAME", "/blog/hello"), Set.of("/site.css"), Set.of("/img"));
        assertThat(engine.evaluate("blog/hello", "", facts), is(new Rewritten("/index.php?path=blog/hello", "front controller")));
        Facts file = new Facts(Map.of("REQUEST_FILENAME", "/site.css"), Set.of("/site.css"), Set.of("/img"));
        assertThat(engine.evaluate("site.css", "", file), is(new Unchanged()));
        Facts directory = new Facts(Map.of("REQUEST_FILENAME", "/img"), Set.of("/site.css"), Set.of("/img"));
        assertThat(engine.evaluate("img", "", directory), is(new Unchanged()));
    }

    @Test
    void disabledRulesDoNotRun() throws IOException {
        RewriteEngine engine = engine("""
                <rule name="off" enabled="false"><match url=".*" /><action type="AbortRequest" /></rule>""");
        assertThat(engine.rules().size(), is(0));
        assertThat(engine.evaluate("x", "", new Facts(Map.of())), is(new Unchanged()));
    }
}
