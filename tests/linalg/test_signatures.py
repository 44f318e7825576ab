"""Every tg.linalg function has torch.linalg's signature (names, order, defaults, keyword-only markers; `out`
left out), read from the first line of torch's docstring; the torch.* forms take the names PyTorch's parser takes."""
import inspect
import re

import pytest

import tinygrad_edu as tg

# matrix_rank also takes the old overload's (A, tol=None, hermitian=False), as PyTorch's argument parser does
SPECIAL = {"matrix_rank"}


def _torch_parameters(torch, name):
    line = (getattr(torch.linalg, name).__doc__ or "").strip().split("\n")[0]
    text = re.match(r"[\w.]*\((.*?)\)\s*(?:->|$)", line).group(1)
    out, keyword = [], False
    for part in (p.strip() for p in re.split(r",\s*(?![^()]*\))", text) if p.strip()):
        if part == "*":
            keyword = True
            continue
        n, _, d = part.partition("=")
        n = n.split()[-1]
        if n != "out":
            out.append((n, keyword, d or None))
    return out


def _ours_of(fn):
    return [(p.name, p.kind == p.KEYWORD_ONLY, None if p.default is p.empty else repr(p.default).replace('"', "'"))
            for p in inspect.signature(fn).parameters.values()]


def _ours(name):
    return _ours_of(getattr(tg.linalg, name))


@pytest.mark.torch
@pytest.mark.parametrize("name", sorted(set(tg.linalg.__all__) - {"LinAlgError"} - SPECIAL))
def test_signature_is_torchs(torch, name):
    assert _ours(name) == _torch_parameters(torch, name)


#: the torch.* forms as PyTorch's argument parser takes them (its docstrings name some differently: B, L, A)
TORCH_FORMS = {
    "det": "input", "logdet": "input", "slogdet": "input", "inverse": "input", "pinverse": "input, rcond=1e-15",
    "matrix_power": "input, n", "matrix_exp": "input", "cholesky": "input, upper=False",
    "cholesky_solve": "input, input2, upper=False", "cholesky_inverse": "input, upper=False",
    "qr": "input, some=True", "svd": "input, some=True, compute_uv=True", "lu": "A, pivot=True, get_infos=False",
    "lu_solve": "input, LU_data, LU_pivots", "lu_unpack": "LU_data, LU_pivots, unpack_data=True, unpack_pivots=True"}


@pytest.mark.parametrize("name", sorted(TORCH_FORMS))
def test_torch_form_signature(name):
    expected = [(n, False, d or None) for n, _, d in (p.partition("=") for p in TORCH_FORMS[name].split(", "))]
    assert _ours_of(getattr(tg, name)) == expected


@pytest.mark.torch
@pytest.mark.filterwarnings("ignore::UserWarning")  # torch.qr, torch.cholesky, ... are deprecated in PyTorch
@pytest.mark.parametrize("name", sorted(set(TORCH_FORMS) - {"lu"}))
def test_torch_forms_take_these_keywords(torch, name):
    first = TORCH_FORMS[name].split(", ")[0]
    eye = torch.eye(2)
    args = {"LU_data": eye, "LU_pivots": torch.tensor([1, 2], dtype=torch.int32), "input2": eye, "n": 2}
    kwargs = {k: args.get(k, eye) for k in TORCH_FORMS[name].split(", ") if "=" not in k}
    getattr(torch, name)(**{first: eye, **kwargs})
