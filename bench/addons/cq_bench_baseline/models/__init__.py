from . import cq_bench_baseline
