package dev.scratchnet.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.scratchnet.math.Matrix;
import org.junit.jupiter.api.Test;

/**
 * {@link Relu}'s branch-free backward pass gives the book's bits, {@code dx = dout; dx[x <= 0] = 0}, on every kind of
 * value: zeros of both signs, subnormals, infinities and NaN, in both precisions.
 */
class ReluMaskTest {
    private static final double[] X = {-3, -0.0, 0.0, Double.MIN_VALUE, -Double.MIN_VALUE, 1e-40, -1e-40, 2.5,
        Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN, 1e300, -1e300, 7};
    private static final double[] DOUT = {1.5, 2, -3, -0.0, 4, -0.0, 5, -0.0, 6, 7, -8, Double.NaN,
        Double.POSITIVE_INFINITY, -2};

    @Test
    void backwardInDoubleIsTheBooksMaskBitForBit() {
        Relu relu = new Relu();
        Matrix out = relu.forward(Matrix.of(2, 7, X.clone()));
        Matrix dx = relu.backward(Matrix.of(2, 7, DOUT.clone()));
        for (int i = 0; i < X.length; i++) {
            double book = X[i] <= 0 ? 0 : DOUT[i];
            double forward = X[i] <= 0 ? 0 : X[i];
            assertEquals(Double.doubleToRawLongBits(book), Double.doubleToRawLongBits(dx.get(i)), "dx at x = " + X[i]);
            assertEquals(Double.doubleToLongBits(forward), Double.doubleToLongBits(out.get(i)), "out at x = " + X[i]);
        }
    }

    @Test
    void backwardInSingleIsTheBooksMaskBitForBit() {
        float[] x = new float[X.length];
        float[] dout = new float[X.length];
        for (int i = 0; i < X.length; i++) {
            x[i] = (float) X[i];
            dout[i] = (float) DOUT[i];
        }
        Relu relu = new Relu();
        relu.forward(Matrix.of(2, 7, x.clone()));
        Matrix dx = relu.backward(Matrix.of(2, 7, dout.clone()));
        for (int i = 0; i < x.length; i++) {
            float book = x[i] <= 0 ? 0f : dout[i];
            assertEquals(Float.floatToRawIntBits(book), Float.floatToRawIntBits((float) dx.get(i)), "dx at x = " + x[i]);
        }
    }
}
