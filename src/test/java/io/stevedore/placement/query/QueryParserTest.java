package io.stevedore.placement.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class QueryParserTest {
    /** A t2.small in us-east-1a running two tasks of service:production, agent 1.20.0, registered 2018-06-18. */
    private static final QueryTarget T2_SMALL = target(Map.of("ecs.instance-type", "t2.small",
            "ecs.availability-zone", "us-east-1a", "ecs.os-type", "linux", "stack", "prod", "slots", "8"),
            "i-abcd1234", Instant.parse("2018-06-18T22:28:28Z"), 2, Set.of("service:production"), true, "1.20.0");

    private static QueryTarget target(Map<String, String> attrs, String id, Instant at, int running,
                                      Set<String> groups, boolean connected, String version) {
        return new QueryTarget() {
            @Override
            public String attribute(String name) {
                return attrs.get(name);
            }

            @Override
            public String ec2InstanceId() {
                return id;
            }

            @Override
            public Instant registeredAt() {
                return at;
            }

            @Override
            public int runningTasksCount() {
                return running;
            }

            @Override
            public boolean hasTaskGroup(String group) {
                return groups.contains(group);
            }

            @Override
            public Set<String> taskGroups() {
                return groups;
            }

            @Override
            public boolean agentConnected() {
                return connected;
            }

            @Override
            public String agentVersion() {
                return version;
            }
        };
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = ';', value = {
        // examples of the ECS Developer Guide, "Cluster query language"
        "attribute:ecs.instance-type == t2.small ; true",
        "attribute:ecs.availability-zone in [us-east-1a, us-east-1b] ; true",
        "attribute:ecs.instance-type =~ g2.* ; false",
        "attribute:ecs.instance-type =~ t2.* and attribute:ecs.availability-zone != us-east-1d ; true",
        "not(task:group == database) ; true",
        "task:group == service:production ; true",
        // examples of "Example Amazon ECS task placement constraints"
        "task:group == service:daemon-service ; false",
        "task:group == databases ; false",
        "runningTasksCount == 1 ; false",
        "ec2InstanceId in ['i-abcd1234', 'i-wxyx7890'] ; true",
        "registeredAt < 2018-06-18T23:00:00Z ; true",
        "attribute:ecs.instance-type =~ g2.* or attribute:ecs.availability-zone == us-east-1a ; true",
        // every operator, symbol and word spelling
        "attribute:ecs.instance-type equals t2.small ; true",
        "attribute:ecs.instance-type != t2.small ; false",
        "attribute:ecs.instance-type not_equals t2.micro ; true",
        "attribute:ecs.availability-zone not_in [us-east-1a] ; false",
        "attribute:ecs.availability-zone !in [us-east-1b, us-east-1c] ; true",
        "attribute:ecs.instance-type matches t2\\..* ; true",
        "attribute:ecs.instance-type !~ t2.* ; false",
        "attribute:ecs.instance-type not_matches m5.* ; true",
        "attribute:stack exists ; true",
        "attribute:color exists ; false",
        "attribute:color !exists ; true",
        "attribute:color not_exists ; true",
        "attribute:color != red ; true",
        "attribute:color == red ; false",
        "attribute:slots > 7 ; true",
        "attribute:slots >= 8 ; true",
        "attribute:slots < 8 ; false",
        "attribute:slots less_than_equal 8 ; true",
        "runningTasksCount greater_than 1 ; true",
        "runningTasksCount <= 1 ; false",
        "agentVersion >= 1.9.0 ; true",
        "agentVersion < 1.100.0 ; true",
        "agentVersion == 1.20.0 ; true",
        "agentConnected == true ; true",
        "agentConnected != true ; false",
        "registeredAt >= 2018-06-18 ; true",
        "registeredAt > 2018-06-18T22:28:28+00:00 ; false",
        "registeredAt == 2018-06-18T22:28:28 ; true",
        "task:group != database ; true",
        "task:group in [database, service:production] ; true",
        "task:group not_in [service:production] ; false",
        "ec2InstanceId =~ i-abcd.* ; true",
        "task:group =~ service:.* ; true",
        "task:group !~ service:prod.* ; false",
        "task:group not_matches family:.* ; true",
        "instanceType == t2.small ; true",
        "attribute:ecs.instance-type =~ (t2|m5)\\.[a-z]+ ; true",
        "not(attribute:ecs.instance-type =~ m5.*) ; true",
        "attribute:ecs.instance-type =~ '(t3|m5).*' ; false",
        // boolean operators and precedence (and binds tighter than or)
        "attribute:stack == prod && attribute:slots == 8 ; true",
        "attribute:stack == dev || attribute:slots == 8 ; true",
        "! attribute:stack == prod ; false",
        "attribute:stack == dev or attribute:stack == prod and attribute:slots == 9 ; false",
        "(attribute:stack == dev or attribute:stack == prod) and attribute:slots == 8 ; true",
        "not (attribute:stack == dev or attribute:color exists) ; true",
        "ATTRIBUTE:stack == prod AND NOT attribute:color exists ; true",
        "attribute:stack == 'prod' ; true",
    })
    void matches_docExamplesAndEveryOperator(String expression, boolean expected) {
        assertThat(QueryParser.parse(expression).matches(T2_SMALL)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = ';', value = {
        "'' ; empty",
        "attribute:stack ; expected an operator",
        "attribute:stack == ; expected a value",
        "attribute:stack ~= prod ; unexpected character '~'",
        "hostname == web ; unknown subject",
        "attribute:stack in prod ; expected '['",
        "attribute:stack in [a, b ; expected ']'",
        "(attribute:stack == prod ; expected ')'",
        "attribute:stack == prod) ; unexpected ')'",
        "attribute:stack =~ [a-z ; invalid pattern",
        "attribute:stack =~ 'a(b' ; invalid pattern",
        "registeredAt < yesterday ; registeredAt needs a date",
        "runningTasksCount > many ; runningTasksCount needs a whole number",
        "agentVersion in [1.0.0] ; not valid for agentVersion",
        "ec2InstanceId > i-1 ; not valid for ec2InstanceId",
        "task:group exists ; not valid for task:group",
        "agentConnected >= true ; not valid for agentConnected",
        "attribute:stack == 'prod ; unterminated quote",
    })
    void parse_invalid_throwsNamingTheProblem(String expression, String detail) {
        assertThatThrownBy(() -> QueryParser.parse(expression)).isInstanceOf(QuerySyntaxException.class)
                .hasMessageContaining(detail);
    }

    @org.junit.jupiter.api.Test
    void parse_longerThan2000Characters_refused() {
        String e = "attribute:a == " + "x".repeat(2000);
        assertThatThrownBy(() -> QueryParser.parse(e)).hasMessageContaining("2000");
    }

    @org.junit.jupiter.api.Test
    void subjects_listsEverySubjectOfACompoundExpression() {
        assertThat(QueryParser.parse("attribute:ecs.subnet-id in [s-1] and not(task:group == db)").subjects())
                .extracting(Subject::toString).containsExactly("attribute:ecs.subnet-id", "task:group");
    }
}
