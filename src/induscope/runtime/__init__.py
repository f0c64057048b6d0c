"""Where work runs: serially, on a local process pool, or on a Dask cluster (same results)."""
from .executors import default_workers, run_map

__all__ = ["default_workers", "run_map"]
