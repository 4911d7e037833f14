package io.stevedore.api.ec2;

/** A tiny XML writer for EC2 Query API responses (elements and escaped text only). */
final class Ec2Xml {
    private final StringBuilder out = new StringBuilder(1024);

    Ec2Xml open(String name) {
        out.append('<').append(name).append('>');
        return this;
    }

    Ec2Xml close(String name) {
        out.append("</").append(name).append('>');
        return this;
    }

    Ec2Xml el(String name, Object value) {
        if (value == null) {
            return this;
        }
        open(name);
        escape(String.valueOf(value));
        return close(name);
    }

    Ec2Xml raw(String text) {
        out.append(text);
        return this;
    }

    private void escape(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&apos;");
                default -> {
                    if (c < 0x20 && c != '\n' && c != '\r' && c != '\t') {
                        out.append("&#").append((int) c).append(';');
                    } else {
                        out.append(c);
                    }
                }
            }
        }
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
