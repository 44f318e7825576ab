"""Pin BLAS/OpenMP thread counts before NumPy or PyTorch load, so both libraries get the same cores."""
import ctypes
import glob
import os
import sys
from typing import Optional


def pin_threads(argv: list[str] = sys.argv, default: int = 1) -> int:
    """Read `--threads N` (default 1) and set the thread variables NumPy's BLAS and PyTorch read at import."""
    threads = default
    if "--threads" in argv:
        threads = int(argv[argv.index("--threads") + 1])
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS"):
        os.environ[var] = str(threads)
    return threads


def numpy_blas_threads() -> Optional[int]:
    """The thread count NumPy's OpenBLAS really uses (read back from the library), None if not found."""
    import numpy

    libs = os.path.join(os.path.dirname(numpy.__file__), os.pardir, "numpy.libs")
    for path in glob.glob(os.path.join(libs, "*openblas*.so*")):
        lib = ctypes.CDLL(path)
        for name in ("scipy_openblas_get_num_threads64_", "openblas_get_num_threads64_", "openblas_get_num_threads"):
            if hasattr(lib, name):
                return int(getattr(lib, name)())
    return None
