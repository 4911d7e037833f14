package io.stevedore.placement.query;

/** One lexical token of a cluster query; quoted values never act as keywords or punctuation. */
record QueryToken(String text, boolean quoted) {
    boolean isPunctuation() {
        return text.equals("(") || text.equals(")") || text.equals("[") || text.equals("]") || text.equals(",");
    }
}
