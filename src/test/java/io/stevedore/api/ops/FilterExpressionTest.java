package io.stevedore.api.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stevedore.wire.AwsException;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class FilterExpressionTest {
    private static final Map<String, String> ATTRS = Map.of("ecs.instance-type", "t4g.small",
            "ecs.availability-zone", "us-east-1a", "ecs.cpu-architecture", "arm64");

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "attribute:ecs.instance-type == t4g.small | true",
            "attribute:ecs.instance-type == t4g.medium | false",
            "attribute:ecs.instance-type != t4g.medium | true",
            "attribute:ecs.instance-type == t4g.* | true",
            "attribute:ecs.availability-zone in [us-east-1a, us-east-1b] | true",
            "attribute:ecs.availability-zone not in [us-east-1a] | false",
            "attribute:ecs.cpu-architecture == arm64 and attribute:ecs.instance-type == c5.large | false",
            "attribute:ecs.cpu-architecture == x86_64 or attribute:ecs.instance-type == t4g.small | true",
            "attribute:ecs.subnet-id exists | false",
            "attribute:ecs.subnet-id not_exists | true",
            "(attribute:ecs.instance-type == t4g.small) | true"})
    void parse_expression_matchesAttributes(String expression, boolean expected) {
        assertThat(FilterExpression.parse(expression).test(ATTRS)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"what", "attribute:x ===", "attribute:x ==", "instance-type == t4g.small"})
    void parse_malformed_invalidParameter(String expression) {
        assertThatThrownBy(() -> FilterExpression.parse(expression)).isInstanceOf(AwsException.class)
                .hasMessageContaining("Invalid filter expression");
    }
}
