"""Train a LeNet-style CNN on the 8×8 handwritten digits and plot its loss and accuracy.

Run: python examples/train_digits.py   (writes out/digits_weights.npz and out/digits_training.png)
Seeded: two runs print the same numbers.
"""
from pathlib import Path

from tinygrad_edu.train import plot_history, train_digits

out = Path("out")
out.mkdir(exist_ok=True)
model, history = train_digits(seed=0)
print(f"held-out accuracy {history.test_accuracy[-1]:.2%} in {history.seconds:.1f} s")
model.save(out / "digits_weights.npz")
plot = plot_history(history, out / "digits_training.png")
print(f"curves: {plot}" if plot else "the plot needs matplotlib (pip install matplotlib)")
