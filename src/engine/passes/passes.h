// Graph passes, run by Model::from_graph when ModelOptions::optimize is set.
#pragma once
#include "engine/graph.h"

namespace ppocr::engine {

// Evaluates nodes whose inputs are all constant (reference kernels), including
// shape subgraphs whose input shapes are fully known.
void fold_constants(Graph& g);
// Float16 constant weights / biases of Conv, ConvTranspose, MatMul, Gemm ->
// float32 constants (the kernels compute in fp32; saves a cast per run).
void constant_weights_to_f32(Graph& g);
// Drops Identity nodes (their readers read the Identity's input instead),
// except where the Identity produces a graph output.
void remove_identities(Graph& g);
// QuantizeLinear -> DequantizeLinear (per tensor, same scale / zero point) on an
// activation -> one FakeQuant node.
void fuse_fake_quant(Graph& g);
// Conv (+ BatchNormalization) -> Conv with folded weights and bias.
void fuse_batchnorm(Graph& g);
// Conv followed by an activation / by Add with another tensor of the same
// shape -> one Conv with `activation` attr / extra residual input.
void fuse_conv_epilogues(Graph& g);
// Runs of elementwise nodes on one activation -> one EltwiseChain node.
void fuse_eltwise_chains(Graph& g);
// Marks Conv -> Conv tensors to be stored NHWC (Conv x_layout / r_layout /
// y_layout attributes); run last.
void assign_conv_layouts(Graph& g);
// All of the above plus dead-node removal, in order.
void optimize_graph(Graph& g);

}  // namespace ppocr::engine
