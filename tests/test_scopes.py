"""scopes.py: module and composite scopes recorded on every node."""
import tinygrad_edu as tg


def test_scopes_number_each_call_and_composites_carry_their_name():
    from tinygrad_edu.autograd import COMPOSITE, composite, composite_rules

    @composite("double_tanh", "δ_u = 2δ(1 − tanh² u)", r"\delta_u = 2\delta(1-\tanh^2 u)")
    def double_tanh(u):
        return u.tanh() * 2

    x = tg.Tensor([0.5], requires_grad=True)
    first, second = double_tanh(x), double_tanh(x)
    assert first._ctx.scope == (("double_tanh", COMPOSITE + "double_tanh"),)
    assert first._ctx.scope_calls != second._ctx.scope_calls
    assert first._ctx.scope_calls == first._ctx.inputs[0]._ctx.scope_calls  # Mul and Tanh: one call
    assert composite_rules["double_tanh"][0].startswith("δ_u")
    with tg.no_grad():
        assert double_tanh(x)._ctx is None
