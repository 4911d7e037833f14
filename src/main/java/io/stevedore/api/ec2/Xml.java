package io.stevedore.api.ec2;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.UUID;

/** A tiny XML writer for EC2 Query responses. */
final class Xml {
    private final StringBuilder b = new StringBuilder();
    private final Deque<String> open = new ArrayDeque<>();

    Xml(String root) {
        b.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<").append(root).append(" xmlns=\"")
                .append(Ec2QueryApi.NS).append("\">");
        open.push(root);
        leaf("requestId", UUID.randomUUID().toString());
    }

    Xml open(String name) {
        b.append('<').append(name).append('>');
        open.push(name);
        return this;
    }

    Xml close() {
        b.append("</").append(open.pop()).append('>');
        return this;
    }

    Xml leaf(String name, Object value) {
        b.append('<').append(name).append('>').append(esc(String.valueOf(value))).append("</").append(name)
                .append('>');
        return this;
    }

    String done() {
        while (!open.isEmpty()) {
            close();
        }
        return b.toString();
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
