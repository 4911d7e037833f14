package io.stevedore.placement.query;

import java.util.Map;

/** The comparison operators of the cluster query language, in symbol and word spelling. */
public enum Operator {
    EQUALS("==", "equals"),
    NOT_EQUALS("!=", "not_equals"),
    GREATER_THAN(">", "greater_than"),
    GREATER_THAN_EQUAL(">=", "greater_than_equal"),
    LESS_THAN("<", "less_than"),
    LESS_THAN_EQUAL("<=", "less_than_equal"),
    EXISTS("exists", "exists"),
    NOT_EXISTS("!exists", "not_exists"),
    IN("in", "in"),
    NOT_IN("!in", "not_in"),
    MATCHES("=~", "matches"),
    NOT_MATCHES("!~", "not_matches");

    private static final Map<String, Operator> BY_SPELLING = index();

    private final String symbol;
    private final String word;

    Operator(String symbol, String word) {
        this.symbol = symbol;
        this.word = word;
    }

    public String symbol() {
        return symbol;
    }

    /** The operator spelled {@code s} (symbol or word, case-insensitive for words), or null. */
    static Operator bySpelling(String s) {
        return BY_SPELLING.get(s.toLowerCase(java.util.Locale.ROOT));
    }

    boolean takesNoArgument() {
        return this == EXISTS || this == NOT_EXISTS;
    }

    boolean takesList() {
        return this == IN || this == NOT_IN;
    }

    boolean isOrdering() {
        return this == GREATER_THAN || this == GREATER_THAN_EQUAL || this == LESS_THAN || this == LESS_THAN_EQUAL;
    }

    private static Map<String, Operator> index() {
        Map<String, Operator> m = new java.util.HashMap<>();
        for (Operator o : values()) {
            m.put(o.symbol, o);
            m.put(o.word, o);
        }
        return Map.copyOf(m);
    }
}
