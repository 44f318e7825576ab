"""Pin BLAS/OpenMP thread counts before NumPy or PyTorch load, so both libraries get the same cores."""
import os
import sys


def pin_threads(argv: list[str] = sys.argv, default: int = 1) -> int:
    """Read `--threads N` (default 1) and set the thread variables NumPy's BLAS and PyTorch read at import."""
    threads = default
    if "--threads" in argv:
        threads = int(argv[argv.index("--threads") + 1])
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS"):
        os.environ[var] = str(threads)
    return threads
