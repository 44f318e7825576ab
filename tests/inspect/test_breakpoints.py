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


def test_a_primitive_name_stops_at_the_composite_that_ran_it():
    """`--break-on Conv2d` (the demo's advice, nn.Conv2d's name) stops at the conv2d composite steps, as the class
    Conv2d already did; a name no step ran is still refused."""
    import pytest

    from tinygrad_edu.demos import zoo_loss
    from tinygrad_edu.ops.conv import Conv2d

    loss, net = zoo_loss("lenet5")
    recorded = steps(loss, names=net)
    by_name = recorded.break_on("Conv2d")
    hit = [s.module for s in recorded if by_name.hits(s)]
    assert hit == ["c5", "c3", "c1"] and all(s.op == "conv2d" for s in recorded if by_name.hits(s))
    assert hit == [s.module for s in recorded if Breakpoint(Conv2d).hits(s)]
    with pytest.raises(ValueError, match="no step has op 'Conv3d'"):
        recorded.break_on("Conv3d")
