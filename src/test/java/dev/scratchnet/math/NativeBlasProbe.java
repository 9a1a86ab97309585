package dev.scratchnet.math;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A fresh JVM for {@link NativeBlasTest}: netlib decides about native code once per JVM, so each way of
 * installing gets its own process. Prints the choice and checks one product against a plain loop.
 *
 * <p>Arguments: {@code MODE CACHE_ROOT}; MODE is {@code enabled}, {@code disabled} or {@code broken}
 * (extract the bundle, overwrite libopenblas with garbage of the same size, then install).
 */
final class NativeBlasProbe {
    private NativeBlasProbe() {}

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        Path root = Path.of(args[1]);
        if (mode.equals("broken")) {
            BundledOpenBlas bundle = BundledOpenBlas.forThisPlatform().orElseThrow();
            Path lib = bundle.extract(root).resolve(bundle.libraryName());
            byte[] garbage = new byte[(int) Files.size(lib)];
            java.util.Arrays.fill(garbage, (byte) 0x5a);
            Files.write(lib, garbage);
        }
        BlasChoice choice = NativeBlas.install(!mode.equals("disabled"), root);
        System.out.println("choice: " + choice.isNative() + " | " + choice.description());
        System.out.println("implementation: " + Blas.implementation());
        double[] a = {1, 2, 3, 4, 5, 6};      // 2 × 3
        double[] b = {7, 8, 9, 10, 11, 12};   // 3 × 2
        double[] c = new double[4];
        Blas.gemm(false, false, 2, 2, 3, 1, a, 0, b, 0, 0, c, 0);
        boolean ok = c[0] == 58 && c[1] == 64 && c[2] == 139 && c[3] == 154;
        System.out.println("gemm: " + (ok ? "ok" : java.util.Arrays.toString(c)));
    }
}
