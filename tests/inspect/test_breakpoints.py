import tinygrad_edu as tg
from tinygrad_edu.inspect import Breakpoint, steps
from tinygrad_edu.ops.elementwise import Mul


def test_all_given_parts_must_hold():
    x = tg.Tensor([1.0, 2.0], requires_grad=True)
    recorded = steps((x * x).exp().sum())
    mul = [s for s in recorded if s.op == "Mul"][0]
    assert Breakpoint(op="Mul").hits(mul) and Breakpoint(op=Mul).hits(mul)
    assert not Breakpoint(op="Exp").hits(mul)
    assert not Breakpoint(op="Mul", module="c1").hits(mul)
    assert Breakpoint(op="Mul", condition=lambda s: s.stats_out.norm > 0).hits(mul)
    assert not Breakpoint(op="Mul", condition=lambda s: False).hits(mul)
    assert str(Breakpoint(op=Mul, module="c1")) == "break on op=Mul, module=c1"
