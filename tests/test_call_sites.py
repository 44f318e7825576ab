"""tinygrad_edu/call_sites.py: which files are the engine's, and the user's (file, line) an op records."""
import os

import tinygrad_edu as tg
from tinygrad_edu import autograd, call_sites


def test_engine_files_exclude_the_example_code_and_user_files():
    package = os.path.dirname(tg.__file__)
    assert call_sites.is_engine_file(autograd.__file__)
    assert call_sites.is_engine_file(os.path.join(package, "ops", "loss.py"))
    for example in (os.path.join(package, "nn", "models.py"), os.path.join(package, "demos.py")):
        assert call_sites.is_example_file(example) and not call_sites.is_engine_file(example)
    assert not call_sites.is_engine_file(__file__) and not call_sites.is_example_file(__file__)


def test_user_site_is_this_line_and_ops_record_it():
    here = call_sites.user_site(); line = test_user_site_is_this_line_and_ops_record_it.__code__.co_firstlineno + 1  # noqa: E702
    assert here == (__file__, line)
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    y = x * x; line = test_user_site_is_this_line_and_ops_record_it.__code__.co_firstlineno + 4  # noqa: E702
    assert y._ctx.site == (__file__, line)


def test_autograd_still_exports_the_site_functions():
    assert autograd.is_engine_file is call_sites.is_engine_file
    assert autograd.user_site is call_sites.user_site
