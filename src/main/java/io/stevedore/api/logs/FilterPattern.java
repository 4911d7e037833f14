package io.stevedore.api.logs;

import io.stevedore.wire.AwsException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A CloudWatch Logs filter pattern for unstructured events, the part FilterLogEvents answers here: terms
 * ({@code ERROR}), quoted phrases ({@code "connection refused"}), alternatives ({@code ?ERROR ?WARN}: at least one),
 * exclusions ({@code -DEBUG}) and regular expressions ({@code %time[a-z]+%}). Terms and phrases are case-sensitive
 * and match anywhere in the message; every plain term and phrase must occur, no excluded one may. An empty
 * pattern matches every event. JSON ({@code { $.level = "error" }}) and space-delimited ({@code [ip, user, ...]})
 * patterns are refused with InvalidParameterException rather than answered wrongly.
 */
final class FilterPattern {
    private final List<String> required;
    private final List<String> anyOf;
    private final List<String> excluded;
    private final List<Pattern> regexes;

    private FilterPattern(List<String> required, List<String> anyOf, List<String> excluded, List<Pattern> regexes) {
        this.required = required;
        this.anyOf = anyOf;
        this.excluded = excluded;
        this.regexes = regexes;
    }

    /** Parses a pattern; null or blank matches everything. */
    static FilterPattern parse(String text) {
        List<String> required = new ArrayList<>();
        List<String> anyOf = new ArrayList<>();
        List<String> excluded = new ArrayList<>();
        List<Pattern> regexes = new ArrayList<>();
        String s = text == null ? "" : text.strip();
        if (s.startsWith("{") || s.startsWith("[")) {
            throw invalid("Stevedore's FilterLogEvents answers terms, \"quoted phrases\", ?alternatives, -exclusions"
                    + " and %regular expressions%, not JSON or space-delimited filter patterns: " + text);
        }
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
                continue;
            }
            char sign = c == '?' || c == '-' ? c : 0;
            int start = sign == 0 ? i : i + 1;
            if (start >= s.length()) {
                throw invalid("Invalid filter pattern: '" + sign + "' must be followed by a term: " + text);
            }
            String term;
            int end;
            if (s.charAt(start) == '"') {
                end = s.indexOf('"', start + 1);
                if (end < 0) {
                    throw invalid("Invalid filter pattern: unbalanced quote in " + text);
                }
                term = s.substring(start + 1, end);
                end++;
            } else if (s.charAt(start) == '%') {
                end = s.indexOf('%', start + 1);
                if (end < 0) {
                    throw invalid("Invalid filter pattern: a regular expression must end with '%': " + text);
                }
                try {
                    regexes.add(Pattern.compile(s.substring(start + 1, end)));
                } catch (PatternSyntaxException e) {
                    throw invalid("Invalid filter pattern: " + e.getDescription() + " in " + text);
                }
                i = end + 1;
                continue;
            } else {
                end = start;
                while (end < s.length() && !Character.isWhitespace(s.charAt(end))) {
                    end++;
                }
                term = s.substring(start, end);
            }
            i = end;
            if (term.isEmpty()) {
                continue; // "" matches everything
            }
            (sign == '?' ? anyOf : sign == '-' ? excluded : required).add(term);
        }
        return new FilterPattern(required, anyOf, excluded, regexes);
    }

    boolean matches(String message) {
        for (String t : required) {
            if (!message.contains(t)) {
                return false;
            }
        }
        for (String t : excluded) {
            if (message.contains(t)) {
                return false;
            }
        }
        for (Pattern p : regexes) {
            if (!p.matcher(message).find()) {
                return false;
            }
        }
        if (anyOf.isEmpty()) {
            return true;
        }
        for (String t : anyOf) {
            if (message.contains(t)) {
                return true;
            }
        }
        return false;
    }

    private static AwsException invalid(String message) {
        return new AwsException("InvalidParameterException", 400, message);
    }
}
