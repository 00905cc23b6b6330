export { ACTIVATION_NAMES, type Activation, type ActivationName, activation, isActivationName } from "./activation.ts";
export { BatchWorkspace, backpropBatch, batchCost, forwardBatch } from "./batch.ts";
export { backpropExample, backpropExamples, feedforward } from "./example.ts";
export { type GradientCheckOptions, type GradientCheckResult, gradientCheck } from "./gradcheck.ts";
export { INIT_SCHEMES, type InitScheme, initNetwork } from "./init.ts";
export { crossEntropy, isLossName, LOSS_NAMES, type Loss, type LossName, loss, quadratic } from "./loss.ts";
export { type Matrix, fromRows, toRows, transpose, zeros } from "./matrix.ts";
export { type Gradients, Network, type NetworkSpec, type PlainParams } from "./network.ts";
export { Sgd, type SgdOptions } from "./sgd.ts";
