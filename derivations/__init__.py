"""The lecture's formulas, one file per topic, each a Derivation checked by `tinygrad-edu verify`.
FORMULAS is the catalogue of lecture-formulas.md: every ID must be verified or explained as not checkable."""

FORMULAS = {
    "F1": "naive Hamiltonian: every output couples to every pixel", "F2": "local coupling with stride and window",
    "F3": "worked 4×4 / 2×2 / stride-2 expansion", "F4": "weight sharing", "F5": "Boltzmann weight gives σ",
    "F6": "the convolution operation", "F7": "filtering: edge filter 0.5, Laplacian", "F8": "2-D, 3-D, 4-D filters",
    "F9": "stride and zero padding", "F10": "activations sigmoid, tanh, ReLU", "F11": "max and average pooling",
    "F12": "flatten before the dense layer", "F13": "backprop idea for conv and pooling", "F14": "data augmentation",
    "F15": "dropout", "F16": "mean normalisation", "F17": "local response normalisation",
    "F18": "weight sharing gives few parameters", "F19": "locally connected layer", "F20": "dense weights on 100×100×3",
    "F21": "1-D convolution", "F22": "2-D convolution, commutativity", "F23": "mean filter",
    "F24": "cross-correlation = convolution with flipped kernel", "F25": "output sizes narrow/wide/equal/general",
    "F26": "convolutional layer and its parameter count", "F27": "pooling over regions", "F28": "LeNet-5 shapes",
    "F29": "AlexNet", "F30": "Inception block", "F31": "ResNet residual block", "F32": "transposed convolution Wᵀ",
    "F33": "fractionally-strided convolution", "F34": "atrous (dilated) convolution", "F35": "conv forward",
    "F36": "pooling as a linear map", "F37": "dense forward", "F38": "inner product = tr(AᵀB)",
    "F39": "dense backprop", "F40": "CNN form of the backprop rule", "F41": "output-layer δ = f(u) − y",
    "F42": "dense on a d×d×K input", "F43": "pooling size and window", "F44": "backprop through a conv / pool",
    "F45": "conv with padding", "F46": "conv-layer δ", "F47": "parameter gradients", "F48": "SGD / Adam training",
    "F49": "basic CNN pipeline", "F50": "multi-channel cross-correlation", "F51": "groups",
    "F52": "convolution is linear: a sparse shared dense layer", "F53": "ReLU", "F54": "max pooling",
    "F55": "dense y = Wx + b", "F56": "priors: shift invariance, locality", "F57": "pointwise 1×1 conv",
    "F58": "depthwise conv", "F59": "grouped conv", "F60": "depthwise-separable savings",
    "F61": "transposed conv pseudo-code", "F62": "average, global and pyramid pooling", "F63": "receptive field",
    "F64": "recurrent CNN, U-Net",
}

RECONSTRUCTED = {
    "F21": "the formula y_t = Σ_k w_k x_{t−k+1}", "F22": "the formula y_ij = Σ_uv w_uv x_{i−u+1, j−v+1}",
    "F24": "the formula y_ij = Σ_uv w_uv x_{i+u−1, j+v−1}", "F25": "the output-size formulas",
    "F26": "the layer's definition and parameter count",
    "F28": "C3's connection table (LeCun's 60 pairs) and F6's 84 units; the other shapes are the seed's",
    "F32": "the matrix form y = Wx, x = Wᵀy", "F34": "dilation (the seed confuses it with fractional striding)",
    "F50": "the formula y_ij = Σ_pq w_pq x_{i+p, j+q} + b", "F54": "the formula y_ij = max_{p,q<k} x_{ki+p, kj+q}",
    "F63": "the recursion r_{k−1} = s_k r_k + (f_k − s_k); 3 → 5 and k3d2 ≡ k5 are the seed's",
}
"""IDs whose formula lecture-formulas.md marks [reconstructed] (the seed's text is lost or garbled there): verify
says that these were checked against the digest's reconstruction, not against the seed's own words."""
