package io.stevedore.store;

/** A controller write refused because its {@link Fence} is no longer the current lease (a deposed leader). */
public final class FencedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient Fence fence;

    public FencedException(Fence fence) {
        super("controller write refused: lease of " + fence.holder() + " (epoch " + fence.epoch()
                + ") is no longer current");
        this.fence = fence;
    }

    /** The fence that was refused. */
    public Fence fence() {
        return fence;
    }
}
