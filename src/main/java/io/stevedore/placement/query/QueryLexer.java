package io.stevedore.placement.query;

import java.util.ArrayList;
import java.util.List;

/** Splits a cluster query into tokens: punctuation, operator symbols, quoted strings and bare words. */
final class QueryLexer {
    private static final String STOP = "()[],=!<>~&|'\"";

    private final String s;
    private int i;

    QueryLexer(String s) {
        this.s = s;
    }

    List<QueryToken> tokens() {
        List<QueryToken> out = new ArrayList<>();
        while (true) {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
            if (i >= s.length()) {
                return out;
            }
            boolean afterRegexOperator = !out.isEmpty() && isRegexOperator(out.get(out.size() - 1));
            char c = s.charAt(i);
            out.add(afterRegexOperator && c != '\'' && c != '"' ? pattern() : token());
        }
    }

    private static boolean isRegexOperator(QueryToken t) {
        return !t.quoted() && (t.text().equals("=~") || t.text().equals("!~")
                || t.text().equalsIgnoreCase("matches") || t.text().equalsIgnoreCase("not_matches"));
    }

    /**
     * An unquoted regular expression: everything up to whitespace, keeping balanced brackets and parentheses
     * (so {@code (t2|m5).*} and {@code [a-z]+} work) and stopping at a ')' that closes an enclosing group.
     */
    private QueryToken pattern() {
        int start = i;
        int depth = 0;
        while (i < s.length() && !Character.isWhitespace(s.charAt(i))) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                i += 2;
                continue;
            }
            if (c == '(' || c == '[') {
                depth++;
            } else if (c == ')' || c == ']') {
                if (depth == 0) {
                    break;
                }
                depth--;
            }
            i++;
        }
        return new QueryToken(s.substring(start, i), true);
    }

    private QueryToken token() {
        char c = s.charAt(i);
        if ("()[],".indexOf(c) >= 0) {
            i++;
            return new QueryToken(String.valueOf(c), false);
        }
        if (c == '\'' || c == '"') {
            int end = s.indexOf(c, i + 1);
            if (end < 0) {
                throw new QuerySyntaxException("Invalid placement constraint expression '" + s
                        + "': unterminated quote at position " + i + ".");
            }
            String v = s.substring(i + 1, end);
            i = end + 1;
            return new QueryToken(v, true);
        }
        for (String op : new String[] {"!exists", "!in", "==", "!=", ">=", "<=", "=~", "!~", "&&", "||", ">", "<",
            "!"}) {
            if (s.startsWith(op, i) && (Character.isLetter(op.charAt(op.length() - 1)) ? wordEnds(i + op.length())
                    : true)) {
                i += op.length();
                return new QueryToken(op, false);
            }
        }
        int start = i;
        while (i < s.length() && !Character.isWhitespace(s.charAt(i)) && STOP.indexOf(s.charAt(i)) < 0) {
            i++;
        }
        if (start == i) {
            throw new QuerySyntaxException("Invalid placement constraint expression '" + s
                    + "': unexpected character '" + c + "' at position " + i + ".");
        }
        return new QueryToken(s.substring(start, i), false);
    }

    private boolean wordEnds(int at) {
        return at >= s.length() || !Character.isLetterOrDigit(s.charAt(at)) && s.charAt(at) != '_';
    }
}
