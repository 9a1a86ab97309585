package dev.scratchnet.optim;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Limited-memory BFGS (Nocedal &amp; Wright, Numerical Optimization, algorithm 7.4): the search direction from the
 * gradient and the last {@link #HISTORY} steps {@code s = x' − x} and gradient changes {@code y = g' − g}, by the
 * two-loop recursion. MLlib's default solver for its perceptron, here over the same full-batch gradient that the
 * engine sums across partitions; the trainer runs one iteration per epoch, a backtracking line search ({@link LbfgsIteration}).
 * Its state (the pairs) is what a checkpoint keeps.
 */
public final class Lbfgs extends Optimizer {
    /** Pairs kept: MLlib's {@code LBFGS} keeps 10 too. */
    public static final int HISTORY = 10;
    private final int n;
    private final Deque<double[][]> pairs = new ArrayDeque<>();

    Lbfgs(int parameterCount) {
        super(Double.NaN);
        this.n = parameterCount;
    }

    @Override
    public void update(double[] params, double[] grad, double rateFactor) {
        throw new UnsupportedOperationException("l-bfgs is a full-batch solver: the trainer runs its iterations");
    }

    @Override
    public void update(double[] params, double[] grad, double rate, int from, int to) {
        update(params, grad, rate);
    }

    /** {@code −H·g}, with {@code H} the inverse-Hessian estimate of the pairs (the steepest descent when there are none). */
    public double[] direction(double[] g) {
        double[] q = g.clone();
        int m = pairs.size();
        double[] alpha = new double[m];
        int i = 0;
        for (Iterator<double[][]> it = pairs.descendingIterator(); it.hasNext(); i++) {
            double[][] p = it.next();
            alpha[i] = dot(p[0], q) / dot(p[1], p[0]);
            axpy(-alpha[i], p[1], q);
        }
        if (m > 0) {
            double[][] last = pairs.peekLast();
            scale(dot(last[0], last[1]) / dot(last[1], last[1]), q);
        }
        i = m - 1;
        for (double[][] p : pairs) {
            double beta = dot(p[1], q) / dot(p[1], p[0]);
            axpy(alpha[i--] - beta, p[0], q);
        }
        scale(-1, q);
        return q;
    }

    /** Whether no pair is kept yet (the first iteration, or none had positive curvature). */
    public boolean isEmpty() {
        return pairs.isEmpty();
    }

    /** Keeps the step {@code s} and gradient change {@code y} when their curvature {@code s·y} is positive. */
    public void record(double[] s, double[] y) {
        if (dot(s, y) <= 1e-10 * Math.sqrt(dot(s, s) * dot(y, y))) {
            return;
        }
        pairs.addLast(new double[][] {s, y});
        if (pairs.size() > HISTORY) {
            pairs.removeFirst();
        }
    }

    @Override
    public Map<String, double[]> state() {
        Map<String, double[]> state = new LinkedHashMap<>();
        int k = 0;
        for (double[][] p : pairs) {
            state.put("s" + k, p[0].clone());
            state.put("y" + k, p[1].clone());
            k++;
        }
        return state;
    }

    @Override
    public void restore(Map<String, double[]> state) {
        pairs.clear();
        for (int k = 0; state.containsKey("s" + k); k++) {
            pairs.addLast(new double[][] {copyOf(state, "s" + k, n), copyOf(state, "y" + k, n)});
        }
        if (state.size() != 2 * pairs.size()) {
            throw new IllegalArgumentException("l-bfgs state has unexpected arrays " + state.keySet());
        }
    }

    @Override
    public Kind kind() {
        return Kind.LBFGS;
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static void axpy(double a, double[] x, double[] y) {
        for (int i = 0; i < y.length; i++) {
            y[i] += a * x[i];
        }
    }

    private static void scale(double a, double[] x) {
        for (int i = 0; i < x.length; i++) {
            x[i] *= a;
        }
    }
}
