package dev.scratchnet.layers;

/** The multiplication node of §5.4.1: {@code out = x · y}; backward swaps the inputs. */
public final class MulLayer {
    private double x;
    private double y;

    public double forward(double x, double y) {
        this.x = x;
        this.y = y;
        return x * y;
    }

    /** Returns {@code {dx, dy}} = {@code {dout · y, dout · x}}. */
    public double[] backward(double dout) {
        return new double[] {dout * y, dout * x};
    }
}
