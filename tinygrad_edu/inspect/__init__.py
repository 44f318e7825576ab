"""Readers of the graph: step-through backward (steps), gradient statistics, breakpoints, anomaly detection,
gradient checks."""
from .breakpoints import Breakpoint
from .gradflow import GradientFlow
from .anomaly import AnomalyError, detect_anomaly
from .gradcheck import GradcheckError, gradcheck, gradgradcheck
from .stats import GradStats
from .steps import Step, Steps, steps

__all__ = ["steps", "Steps", "Step", "Breakpoint", "GradStats", "detect_anomaly", "AnomalyError", "GradientFlow",
           "gradcheck", "gradgradcheck", "GradcheckError"]
