package io.stevedore.catalog;

import java.util.Objects;
import java.util.function.Predicate;

/**
 * One stage of the selection filter chain: a named requirement (the wire field, or a Managed Instances hard filter)
 * with the value it asks for and the test a type must pass.
 *
 * @param attribute wire name, e.g. {@code vCpuCount}, or a hard-filter name
 * @param asked     what is asked, e.g. {@code {min: 2, max: 4}} or {@code excluded (default)}
 * @param explicit  true when the caller set it; false for defaults and hard filters
 * @param test      passes when the type satisfies the requirement
 */
public record Criterion(String attribute, String asked, boolean explicit, Predicate<InstanceType> test) {
    public Criterion {
        Objects.requireNonNull(attribute, "attribute");
        Objects.requireNonNull(asked, "asked");
        Objects.requireNonNull(test, "test");
    }

    public boolean accepts(InstanceType type) {
        return test.test(type);
    }

    /** {@code attribute asked}, e.g. {@code acceleratorNames [a100]}. */
    public String label() {
        return attribute + " " + asked;
    }
}
