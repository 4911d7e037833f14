package io.stevedore.api.ec2;

import io.stevedore.wire.QueryPairs;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The parameters of an EC2 Query API request ({@code Action=DescribeInstances&Version=2016-11-15&Filter.1.Name=…}),
 * with helpers for the protocol's numbered lists.
 */
public final class Ec2QueryRequest {
    private final Map<String, String> params;

    public Ec2QueryRequest(Map<String, String> params) {
        this.params = Map.copyOf(params);
    }

    /** Parses an {@code application/x-www-form-urlencoded} body; a malformed escape is a client error. */
    public static Ec2QueryRequest parse(String body) {
        Map<String, String> out = new LinkedHashMap<>();
        if (body != null && !body.isBlank()) {
            for (QueryPairs.Pair p : QueryPairs.split(body)) {
                try {
                    out.put(URLDecoder.decode(p.name(), StandardCharsets.UTF_8),
                            URLDecoder.decode(p.value(), StandardCharsets.UTF_8));
                } catch (IllegalArgumentException e) {
                    throw new Ec2Exception("InvalidParameterValue", "Malformed form encoding in parameter '"
                            + p.name() + "'");
                }
            }
        }
        return new Ec2QueryRequest(out);
    }

    public Optional<String> get(String name) {
        return Optional.ofNullable(params.get(name));
    }

    public String action() {
        return params.getOrDefault("Action", "");
    }

    /** Whether any parameter name starts with {@code prefix} (a member of a numbered structure list is present). */
    public boolean keysStartWith(String prefix) {
        for (String k : params.keySet()) {
            if (k.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /** {@code Prefix.1}, {@code Prefix.2}, … in index order. */
    public List<String> list(String prefix) {
        TreeMap<Integer, String> byIndex = new TreeMap<>();
        params.forEach((k, v) -> {
            if (k.startsWith(prefix + ".")) {
                String rest = k.substring(prefix.length() + 1);
                if (rest.chars().allMatch(Character::isDigit) && !rest.isEmpty() && rest.length() < 6) {
                    byIndex.put(Integer.parseInt(rest), v);
                }
            }
        });
        return new ArrayList<>(byIndex.values());
    }

    /** {@code Filter.N.Name} with its {@code Filter.N.Value.M}. */
    public Map<String, List<String>> filters() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        TreeMap<Integer, String> names = new TreeMap<>();
        params.forEach((k, v) -> {
            String[] parts = k.split("\\.");
            if (parts.length == 3 && parts[0].equals("Filter") && parts[2].equals("Name")
                    && parts[1].chars().allMatch(Character::isDigit) && parts[1].length() < 6) {
                names.put(Integer.parseInt(parts[1]), v);
            }
        });
        names.forEach((i, name) -> out.computeIfAbsent(name, n -> new ArrayList<>()).addAll(list("Filter." + i + ".Value")));
        return out;
    }

    public int maxResults(int min, int max, int dflt) {
        String v = params.get("MaxResults");
        if (v == null) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v);
            if (n < min || n > max) {
                throw new Ec2Exception("InvalidParameterValue",
                        "Value (" + v + ") for parameter maxResults is invalid. Expecting a value between " + min
                                + " and " + max + ".");
            }
            return n;
        } catch (NumberFormatException e) {
            throw new Ec2Exception("InvalidParameterValue", "Value (" + v + ") for parameter maxResults is invalid.");
        }
    }
}
