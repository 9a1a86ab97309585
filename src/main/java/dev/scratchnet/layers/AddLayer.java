package dev.scratchnet.layers;

/** The addition node of §5.4.2: {@code out = x + y}; backward passes {@code dout} to both inputs. */
public final class AddLayer {
    public double forward(double x, double y) {
        return x + y;
    }

    /** Returns {@code {dx, dy}} = {@code {dout, dout}}. */
    public double[] backward(double dout) {
        return new double[] {dout, dout};
    }
}
