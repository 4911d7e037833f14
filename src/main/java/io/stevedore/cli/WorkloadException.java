package io.stevedore.cli;

/** A workload file problem, with the line (1-based, 0 when unknown) and the field path it concerns. */
public final class WorkloadException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int line;
    private final String field;

    public WorkloadException(String field, int line, String message) {
        super((line > 0 ? "line " + line + ": " : "") + (field.isEmpty() ? "" : field + ": ") + message);
        this.line = line;
        this.field = field;
    }

    public int line() {
        return line;
    }

    public String field() {
        return field;
    }
}
