"""Readers of the graph: gradient checks now; step-through backward and anomaly detection later."""
from .gradcheck import GradcheckError, gradcheck

__all__ = ["gradcheck", "GradcheckError"]
