package io.stevedore.api.ec2;

/** An EC2 Query API error: answered as {@code <Response><Errors><Error><Code>…} with HTTP 400. */
public final class Ec2Exception extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String code;

    public Ec2Exception(String code, String message) {
        super(message);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
