"""The lecture's items that state no formula a computation could confirm, each with the reason; verify lists
them so every ID of lecture-formulas.md is accounted for."""
from tinygrad_edu.symbolic import Derivation

NOT_CHECKABLE = Derivation(
    id="not-checkable",
    title="Named but not checkable",
    source="001 §augmentation (001_95be40d65f0ff07a.txt); 002 §AlexNet; 004 §priors, other architectures",
    latex=r"\text{(no formula)}",
    mapping="–",
    claims=[],
    not_checkable={
        "F14": "data augmentation (rotate, flip, deform) is a data procedure, not a formula",
        "F29": "AlexNet is named with its ingredients only, and its input size and class count are the digest's "
               "reconstruction (the seed's numbers are lost); each ingredient is verified on its own (ReLU F53, "
               "dropout F15, max pooling F54, LRN F17, two streams = grouped conv F59)",
        "F56": "the priors (shift invariance costing up to 30% accuracy, locality, compositionality) are empirical "
               "claims about trained networks, not identities",
        "F64": "recurrent CNN and U-Net are named only; the seed gives no formula",
    },
)
