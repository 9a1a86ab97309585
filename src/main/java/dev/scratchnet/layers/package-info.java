/**
 * The layers of <i>Deep Learning from Scratch</i>, chapters 5 to 7, each one small class with
 * {@code forward} and {@code backward}.
 *
 * <ul>
 *   <li>§5.4 computational-graph nodes on scalars: {@link dev.scratchnet.layers.MulLayer},
 *       {@link dev.scratchnet.layers.AddLayer};</li>
 *   <li>§5.5 activation layers: {@link dev.scratchnet.layers.Relu}, {@link dev.scratchnet.layers.Sigmoid};</li>
 *   <li>§5.6 {@link dev.scratchnet.layers.Affine} and {@link dev.scratchnet.layers.SoftmaxWithLoss}
 *       ({@link dev.scratchnet.layers.IdentityWithLoss} for a regression, on targets standardized by
 *       {@link dev.scratchnet.layers.Standardization});</li>
 *   <li>§6.3 {@link dev.scratchnet.layers.BatchNormalization} (its sums through
 *       {@link dev.scratchnet.layers.BatchSums}, so that a step's partitions can add them), §6.4.3
 *       {@link dev.scratchnet.layers.Dropout};</li>
 *   <li>§7.4 {@link dev.scratchnet.layers.Convolution} and {@link dev.scratchnet.layers.Pooling} (through
 *       {@code math.Im2col}).</li>
 * </ul>
 *
 * <p>Batched layers take and return row-major {@code batch × features} matrices. As in the book, a
 * layer keeps what its backward pass needs from the last {@code forward} ({@code Relu} its
 * {@code out}, {@code Sigmoid} its {@code out}, {@code Affine} its {@code x} and views {@code W}, {@code b},
 * {@code dW}, {@code db} into the network's flat arrays); unlike the book, no layer ever modifies an argument it does not own. A
 * {@code d} prefix always means "gradient of the loss with respect to".
 *
 * <p>Beside each layer a network is built from stands its description, a nested {@code Spec} record
 * ({@link dev.scratchnet.layers.Affine.Spec}, {@code Relu.Spec}, {@code Sigmoid.Spec}, {@code Dropout.Spec},
 * {@code Convolution.Spec}, {@code Pooling.Spec}, {@code BatchNormalization.Spec}), as MLlib's {@code AffineLayer}
 * stands beside the {@code AffineLayerModel} it binds: its text in a layer list ({@code affine:100}), its output
 * {@link dev.scratchnet.layers.Shape} and its parameters on a given input, and the layer it binds to views of the flat
 * arrays for one {@link dev.scratchnet.layers.Pass}. They are the kinds of the sealed
 * {@link dev.scratchnet.layers.LayerSpec}, whose {@code parse} reads the text back (one small parser over them all);
 * {@code network.NetworkSpec} chains them. Imports nothing above {@code math}; no Spark here.
 */
package dev.scratchnet.layers;
