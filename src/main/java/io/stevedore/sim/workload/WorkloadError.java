package io.stevedore.sim.workload;

/** A simulation workload problem, naming the field and where it is (1-based line and column, 0 when unknown). */
public final class WorkloadError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String field;
    private final int line;
    private final int column;

    public WorkloadError(String field, int line, int column, String message) {
        super((line > 0 ? "line " + line + (column > 0 ? ", column " + column : "") + ": " : "")
                + (field.isEmpty() ? "" : field + ": ") + message);
        this.field = field;
        this.line = line;
        this.column = column;
    }

    public String field() {
        return field;
    }

    public int line() {
        return line;
    }

    public int column() {
        return column;
    }
}
